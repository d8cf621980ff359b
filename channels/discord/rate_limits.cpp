#include "channels/discord/rate_limits.h"

#include <algorithm>

namespace storybot::discord {

Clock::SteadyTime RateLimits::ReadyAt(const std::string& route) const {
  const Clock::SteadyTime now = clock_.SteadyNow();
  std::lock_guard lock(mutex_);
  Clock::SteadyTime ready = std::max(now, global_until_);
  if (auto it = closed_until_.find(route); it != closed_until_.end()) {
    ready = std::max(ready, it->second);
  }
  return ready;
}

void RateLimits::Record(const std::string& route, const ApiOutcome& outcome) {
  const Clock::SteadyTime now = clock_.SteadyNow();
  std::optional<Clock::SteadyTime> until;
  if (outcome.status == 429) {
    until = now + outcome.retry_after;
  } else if (outcome.remaining && *outcome.remaining <= 0) {
    until = now + outcome.reset_after;
  }
  std::lock_guard lock(mutex_);
  if (until && outcome.status == 429 && outcome.global) {
    global_until_ = std::max(global_until_, *until);
  } else if (until) {
    auto& closed = closed_until_[route];
    closed = std::max(closed, *until);
  } else {
    closed_until_.erase(route);  // the bucket has calls left
  }
  if (closed_until_.size() > 1000) {  // forget routes that have reopened
    std::erase_if(closed_until_, [now](const auto& entry) { return entry.second <= now; });
  }
}

}  // namespace storybot::discord
