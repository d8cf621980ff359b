#include "core/safety/moderated_story_writer.h"

#include "core/safety/safety_service.h"

namespace storybot {

void ModeratedStoryWriter::Generate(StoryRequest request, StoryCallback done) {
  if (moderator_.mode() == ModerationMode::kOff) {
    return inner_.Generate(std::move(request), std::move(done));
  }
  Attempt(std::move(request), 1, std::move(done));
}

void ModeratedStoryWriter::Attempt(StoryRequest request, int attempt, StoryCallback done) {
  StoryRequest copy = request;
  inner_.Generate(std::move(request), [this, copy = std::move(copy), attempt,
                                       done = std::move(done)](Result<Story> story) mutable {
    if (!story.ok() || story.value().engine == offline_.name()) return done(std::move(story));
    auto shared = std::make_shared<std::tuple<StoryRequest, Story, StoryCallback>>(
        std::move(copy), std::move(story).value(), std::move(done));
    pool_.Post([this, shared, attempt] {
      auto& [asked, written, callback] = *shared;
      Check(std::move(asked), attempt, std::move(written), std::move(callback));
    });
  });
}

void ModeratedStoryWriter::Check(StoryRequest request, int attempt, Story story,
                                 StoryCallback done) {
  const ModerationVerdict verdict = moderator_.Check(story.text, request.trace_id);
  metrics_.CountModeration("story", VerdictLabel(verdict.kind));
  if (verdict.kind == ModerationVerdict::Kind::kAllow) return done(std::move(story));
  const bool unavailable = verdict.kind == ModerationVerdict::Kind::kUnavailable;
  const bool retry = !unavailable && attempt == 1;
  logger_.Log(
      LogLevel::kWarn,
      unavailable ? "moderation service failed; the offline storyteller writes the story"
      : retry     ? "story flagged by moderation; writing it again with stricter instructions"
                  : "story flagged again; the offline storyteller writes it instead",
      {{"event.action", std::string_view(unavailable ? "story_unchecked" : "story_flagged")},
       {"storybot.safety_category", std::string_view(verdict.category)},
       {"storybot.safety_detail", std::string_view(unavailable ? "" : verdict.detail)},
       {"error.message", std::string_view(unavailable ? verdict.detail : "")},
       {"storybot.text_hash", std::string_view(Fingerprint(story.text))},
       {"labels.attempt", static_cast<std::int64_t>(attempt)}},
      request.trace_id);
  if (retry) {
    request.system_prompt += kStricterInstructions;
    return Attempt(std::move(request), 2, std::move(done));
  }
  offline_.Generate(std::move(request), std::move(done));
}

}  // namespace storybot
