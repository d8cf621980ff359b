#pragma once
// Wall-clock helpers. Times cross module boundaries as RFC 3339 UTC strings with milliseconds.
#include <chrono>
#include <string>

namespace storybot {

// "2026-11-25T20:16:10.123Z"
std::string FormatRfc3339(std::chrono::system_clock::time_point time);
inline std::string NowRfc3339() { return FormatRfc3339(std::chrono::system_clock::now()); }

}  // namespace storybot
