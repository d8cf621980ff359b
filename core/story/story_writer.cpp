#include "core/story/story_writer.h"

#include <chrono>

namespace storybot {
namespace {

double SecondsSince(const Clock& clock, Clock::SteadyTime start) {
  return std::chrono::duration<double>(clock.SteadyNow() - start).count();
}

}  // namespace

void StoryWriter::Offline(StoryRequest request, StoryCallback done) {
  const auto start = clock_.SteadyNow();
  offline_.Generate(std::move(request), [this, start, done = std::move(done)](Result<Story> story) {
    if (story.ok()) metrics_.ObserveStory(story.value().engine, SecondsSince(clock_, start));
    done(std::move(story));
  });
}

void StoryWriter::Generate(StoryRequest request, StoryCallback done) {
  if (llm_ == nullptr || (allowance_ != nullptr && !allowance_->Allows())) {
    return Offline(std::move(request), std::move(done));
  }
  const auto start = clock_.SteadyNow();
  StoryRequest copy = request;  // kept for the fallback
  llm_->Generate(std::move(request), [this, start, copy = std::move(copy),
                                      done = std::move(done)](Result<Story> story) mutable {
    if (story.ok()) {
      if (allowance_ != nullptr) {
        allowance_->Used(story.value().prompt_tokens + story.value().completion_tokens);
      }
      const double seconds = SecondsSince(clock_, start);
      metrics_.ObserveStory(story.value().engine, seconds);
      if (stats_ != nullptr) stats_->ObserveLlmCall(seconds);
      return done(std::move(story));
    }
    metrics_.CountLlmRequest("fallback");
    if (stats_ != nullptr) stats_->CountLlmFallback();
    logger_.Log(LogLevel::kWarn, "LLM failed; the offline storyteller answers instead",
                {{"error.message", std::string_view(story.error().message)},
                 {"error.type", std::string_view(ErrorCodeName(story.error().code))},
                 {"storybot.outcome", std::string_view("fallback")}},
                copy.trace_id);
    Offline(std::move(copy), std::move(done));
  });
}

}  // namespace storybot
