#pragma once
// Flood control per chat: at most `limit` messages are answered in a minute that starts with the
// chat's first message; the next one gets one notice, the rest of that minute silence. Kept in
// memory: a restart forgets a flood, which is harmless (it only makes storybot answer again).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace storybot {

enum class FloodVerdict { kAnswer, kNotice, kSilent };

// One chat's minute, and the pure rule for the next message in it.
struct FloodWindow {
  Clock::SteadyTime start{};
  std::int64_t count = 0;  // messages seen in this window
};
FloodVerdict NextMessage(FloodWindow& window, Clock::SteadyTime now, std::int64_t limit);

class FloodGate {
 public:
  explicit FloodGate(Clock& clock) : clock_(clock) {}
  // Counts one message of `chat`; `limit` 0 answers everything. Thread-safe.
  FloodVerdict Admit(const std::string& chat, std::int64_t limit);

 private:
  Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, FloodWindow> windows_;
};

}  // namespace storybot
