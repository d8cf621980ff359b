#pragma once
// The job runner's time: when a retry is due. Injectable so tests can step through minutes of
// backoff without waiting for them (a fake clock that only moves when told to).
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace storybot {

class JobClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~JobClock() = default;

  virtual TimePoint Now() const = 0;
  // Blocks on `cv` (its mutex held by `lock`) until notified or until `until` on this clock.
  // May return early; callers re-check their state.
  virtual void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                         TimePoint until) = 0;

  // std::chrono::steady_clock. Thread-safe; lives for the whole program.
  static JobClock& Steady();
};

}  // namespace storybot
