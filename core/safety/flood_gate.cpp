#include "core/safety/flood_gate.h"

namespace storybot {
namespace {

constexpr auto kMinute = std::chrono::minutes(1);
constexpr std::size_t kSweepAbove = 10000;  // chats remembered before old windows are dropped

}  // namespace

FloodVerdict NextMessage(FloodWindow& window, Clock::SteadyTime now, std::int64_t limit) {
  if (window.count == 0 || now - window.start >= kMinute) window = {now, 0};
  ++window.count;
  if (limit <= 0 || window.count <= limit) return FloodVerdict::kAnswer;
  return window.count == limit + 1 ? FloodVerdict::kNotice : FloodVerdict::kSilent;
}

FloodVerdict FloodGate::Admit(const std::string& chat, std::int64_t limit) {
  const Clock::SteadyTime now = clock_.SteadyNow();
  std::lock_guard lock(mutex_);
  if (windows_.size() > kSweepAbove) {
    std::erase_if(windows_,
                  [now](const auto& entry) { return now - entry.second.start >= kMinute; });
  }
  return NextMessage(windows_[chat], now, limit);
}

}  // namespace storybot
