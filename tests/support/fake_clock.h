#pragma once
// A Clock (core/clock.h) that moves only when a test calls Advance(). Waits poll it every few
// real milliseconds, so an Advance() is seen at once; SleepFor returns once the fake time has
// passed the sleep's end. Thread-safe.
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/clock.h"

namespace storybot::test {

class FakeClock final : public Clock {
 public:
  FakeClock()
      : steady_(std::chrono::steady_clock::now()), wall_(std::chrono::system_clock::now()) {}

  SteadyTime SteadyNow() const override {
    std::lock_guard lock(mutex_);
    return steady_;
  }
  WallTime WallNow() const override {
    std::lock_guard lock(mutex_);
    return wall_;
  }
  void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                 SteadyTime until) override {
    if (SteadyNow() < until) cv.wait_for(lock, std::chrono::milliseconds(2));
  }
  void SleepFor(std::chrono::milliseconds duration) override {
    ++sleepers_;
    const SteadyTime until = SteadyNow() + duration;
    while (SteadyNow() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    --sleepers_;
  }

  // Moves both clocks forward.
  void Advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    steady_ += by;
    wall_ += by;
  }
  // Threads inside SleepFor right now (a test can wait for a loop to reach its sleep).
  int sleepers() const { return sleepers_; }

 private:
  mutable std::mutex mutex_;
  SteadyTime steady_;
  WallTime wall_;
  std::atomic<int> sleepers_{0};
};

}  // namespace storybot::test
