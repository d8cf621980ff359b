#pragma once
// A bounded wait on a condition, in real time, for tests that watch another thread or the
// storybot process: polls `condition` every `every` until it holds or `limit` has passed. This
// is the one real poll interval the tests share; time logic itself is tested on a FakeClock
// (tests/support/fake_clock.h).
#include <chrono>
#include <thread>

namespace storybot::test {

template <class Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(20),
             std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) return condition();
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace storybot::test
