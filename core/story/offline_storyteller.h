#pragma once
// The built-in storyteller: writes a short children's story from phrase banks, without a network.
// It is the default engine when no LLM is configured and the fallback when the LLM fails.
#include <string>
#include <string_view>

#include "core/story/story.h"

namespace storybot {

// A multi-paragraph, child-safe story (about 150–400 English words or 300–800 Chinese
// characters) in `request.language`: the user (or a default hero) and a companion in a setting,
// a problem, an attempt, a resolution and a closing line, themed on what the user asked for.
// Deterministic: the same request gives the same text. The cast and setting depend only on
// `seed`, `user_name` and the theme taken from `request`, so chapter 2.. (/continue, where the
// engine passes the original request again) keeps them and brings a new problem. Any input,
// however long or malformed, gives valid UTF-8 within the length range.
std::string WriteOfflineStory(const StoryRequest& request);

// StoryBackend over WriteOfflineStory. Stateless, so thread-safe; calls `done` before returning.
class OfflineStoryteller final : public StoryBackend {
 public:
  std::string_view name() const override { return "offline"; }
  void Generate(StoryRequest request, StoryCallback done) override;
};

}  // namespace storybot
