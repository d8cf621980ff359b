#pragma once
// Checks every story the LLM wrote before it is saved (README "Safety and limits"): a flagged
// story is written once more with stricter instructions; flagged again, or when the moderation
// service fails, the offline storyteller writes it instead. Stories of the offline storyteller
// are its own fixed, child-safe text and are not checked.
#include "core/logging.h"
#include "core/metrics.h"
#include "core/safety/moderator.h"
#include "core/story/story.h"
#include "core/work_pool.h"

namespace storybot {

// Added to the system prompt of the second attempt.
inline constexpr std::string_view kStricterInstructions =
    " Be especially careful: this is for young children. No violence, no weapons, no fear, "
    "no romance, no unkind words; keep everything gentle, cheerful and safe.";

class ModeratedStoryWriter final : public StoryBackend {
 public:
  // `inner`: the StoryWriter (LLM with offline fallback). All must outlive this writer.
  ModeratedStoryWriter(StoryBackend& inner, StoryBackend& offline, Moderator& moderator,
                       Metrics& metrics, Logger& logger)
      : inner_(inner),
        offline_(offline),
        moderator_(moderator),
        metrics_(metrics),
        logger_(logger) {}
  ~ModeratedStoryWriter() override { Stop(); }
  // Finishes the checks under way (their callbacks run); later ones run on the caller's thread.
  void Stop() { pool_.Stop(); }

  std::string_view name() const override { return inner_.name(); }
  void Generate(StoryRequest request, StoryCallback done) override;

 private:
  void Attempt(StoryRequest request, int attempt, StoryCallback done);
  void Check(StoryRequest request, int attempt, Story story, StoryCallback done);

  StoryBackend& inner_;
  StoryBackend& offline_;
  Moderator& moderator_;
  Metrics& metrics_;
  Logger& logger_;
  WorkPool pool_{2};  // the moderation service is called blocking, never on the LLM's thread
};

}  // namespace storybot
