#pragma once
// The limits an operator sets (README "Safety and limits"); 0 turns a limit off.
#include <cstdint>

namespace storybot {

struct SafetyLimits {
  std::int64_t user_per_hour = 20;    // new stories and chapters per user per channel
  std::int64_t user_per_day = 60;     // the same, per 24 hours
  std::int64_t chat_per_minute = 20;  // inbound messages per chat before storybot goes quiet
  std::int64_t llm_daily_tokens = 0;  // LLM tokens per UTC day; then the offline storyteller
  bool operator==(const SafetyLimits&) const = default;
};

}  // namespace storybot
