#pragma once
// A Clock (core/clock.h) that moves only when a test calls Advance(). Waits poll it every few
// real milliseconds, so an Advance() is seen at once; SleepFor returns once the fake time has
// passed the sleep's end. Every wait or sleep that asks for a new deadline is logged
// (requested()), so a test can read how long code under test chose to wait — a backoff, a
// Retry-After — and advance by exactly that. Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "core/clock.h"

namespace storybot::test {

class FakeClock final : public Clock {
 public:
  FakeClock() : FakeClock(std::chrono::system_clock::now()) {}
  // Starts the wall clock at `wall` (e.g. a documented example's timestamp).
  explicit FakeClock(WallTime wall) : steady_(std::chrono::steady_clock::now()), wall_(wall) {}

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
    ++waits_;
    if (Request(until)) cv.wait_for(lock, std::chrono::milliseconds(2));
  }
  void SleepFor(std::chrono::milliseconds duration) override {
    ++sleepers_;
    std::unique_lock lock(mutex_);
    const SteadyTime until = steady_ + duration;
    Log(until);
    advanced_.wait(lock, [&] { return steady_ >= until; });
    --sleepers_;
  }

  // Moves both clocks forward and wakes the sleepers.
  void Advance(std::chrono::milliseconds by) {
    {
      std::lock_guard lock(mutex_);
      steady_ += by;
      wall_ += by;
    }
    advanced_.notify_all();
  }
  // Threads inside SleepFor right now (a test can wait for a loop to reach its sleep).
  int sleepers() const { return sleepers_; }
  // How many times WaitUntil has been entered (a waiting loop re-checks about every 2 ms).
  long waits() const { return waits_; }
  // Each new deadline asked for by WaitUntil or SleepFor, as a duration from the fake time it
  // was asked at, oldest first. A deadline already passed is not logged.
  std::vector<std::chrono::milliseconds> requested() const {
    std::lock_guard lock(mutex_);
    return requested_;
  }

 private:
  // True when `until` is still ahead; logs it if it is a new deadline.
  bool Request(SteadyTime until) {
    std::lock_guard lock(mutex_);
    if (until <= steady_) return false;
    Log(until);
    return true;
  }
  void Log(SteadyTime until) {  // mutex_ held
    if (until <= steady_ || (!deadlines_.empty() && deadlines_.back() == until)) return;
    deadlines_.push_back(until);
    requested_.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady_));
  }

  mutable std::mutex mutex_;
  std::condition_variable advanced_;
  SteadyTime steady_;
  WallTime wall_;
  std::vector<SteadyTime> deadlines_;
  std::vector<std::chrono::milliseconds> requested_;
  std::atomic<int> sleepers_{0};
  std::atomic<long> waits_{0};
};

}  // namespace storybot::test
