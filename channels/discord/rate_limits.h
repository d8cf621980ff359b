#pragma once
// Discord's rate limits as the sender keeps them: per route (for the interaction webhook, per
// interaction: its token is the route's major parameter) a bucket spent (X-RateLimit-Remaining
// 0) is closed until X-RateLimit-Reset-After has passed, a 429 closes its route for retry_after,
// and a global 429 closes every route. Times come from a Clock (core/clock.h). Thread-safe.
#include <map>
#include <mutex>
#include <string>

#include "channels/discord/rest_api.h"
#include "core/clock.h"

namespace storybot::discord {

class RateLimits {
 public:
  // `clock` must outlive the object.
  explicit RateLimits(const Clock& clock) : clock_(clock) {}

  // When the next call on `route` may go: now, or when its bucket or the global limit reopens.
  Clock::SteadyTime ReadyAt(const std::string& route) const;
  // Learns from the answer to a call on `route`.
  void Record(const std::string& route, const ApiOutcome& outcome);

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Clock::SteadyTime> closed_until_;  // guarded by mutex_
  Clock::SteadyTime global_until_{};                       // guarded by mutex_
};

}  // namespace storybot::discord
