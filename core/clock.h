#pragma once
// Time, reached through one small interface so that everything that waits or stamps can be
// tested with a fake clock that moves only when a test says so (tests/support/fake_clock.h)
// instead of by sleeping. Wall-clock times cross module boundaries as RFC 3339 UTC strings with
// milliseconds.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace storybot {

class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;

  // Monotonic time: deadlines, backoff, pacing.
  virtual SteadyTime SteadyNow() const = 0;
  // Calendar time: what is stored or shown (timestamps, rotation grace, retry windows).
  virtual WallTime WallNow() const = 0;
  // Blocks on `cv` (its mutex held by `lock`) until notified or until `until` on this clock. May
  // return early (spuriously, or a fake clock's short real wait); callers re-check their state.
  virtual void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                         SteadyTime until) = 0;
  // Sleeps `duration` on this clock (a fake clock returns once a test has advanced it).
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;

  // Unix seconds of WallNow().
  std::int64_t UnixSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(WallNow().time_since_epoch()).count();
  }

  // The real clocks (std::chrono::steady_clock and system_clock). Thread-safe; lives for the
  // whole program.
  static Clock& Real();
};

// "2026-11-25T20:16:10.123Z"
std::string FormatRfc3339(std::chrono::system_clock::time_point time);
inline std::string NowRfc3339() { return FormatRfc3339(std::chrono::system_clock::now()); }

}  // namespace storybot
