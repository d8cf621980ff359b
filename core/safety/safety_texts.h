#pragma once
// What readers see when safety answers instead of a story, in English and Chinese.
#include <cstdint>
#include <string>

#include "core/story/story.h"

namespace storybot {

// Over a quota: when they can ask again, `wait_seconds` from now (rounded up to minutes/hours).
std::string OverLimitText(Language language, std::int64_t wait_seconds);
// The one notice of a flood.
std::string FloodText(Language language);
// A blocked request: a gentle refusal with ideas.
std::string RefusalText(Language language);

}  // namespace storybot
