// The order of flushes: a chart read flushes before it reads, and two reads at once must not let
// the second read the rollups before the first one's counts have committed (the second finds
// nothing left to take). The fake store holds each write until the test commits it, in order,
// as the group-commit writer does, until it lets them through (the recorder's last flush at
// destruction).
#include "core/stats/stats_recorder.h"

#include <gtest/gtest.h>

#include <deque>
#include <utility>

#include "tests/support/fake_clock.h"

namespace storybot {
namespace {

class HeldStore final : public StatsStore {
 public:
  void Apply(std::vector<RollupDelta> deltas, std::function<void(Status)> done) override {
    if (!hold) return done({});
    held_.push_back({std::move(deltas), std::move(done)});
  }
  Result<std::vector<RollupRow>> Read(const std::vector<std::string>&, std::int64_t,
                                      std::int64_t) override {
    return std::vector<RollupRow>{};
  }
  std::size_t held() const { return held_.size(); }
  // Commits the oldest held write; how many deltas it had.
  std::size_t CommitOldest() {
    auto [deltas, done] = std::move(held_.front());
    held_.pop_front();
    done({});
    return deltas.size();
  }

  bool hold = true;

 private:
  std::deque<std::pair<std::vector<RollupDelta>, std::function<void(Status)>>> held_;
};

TEST(StatsRecorderTest, AReadFlushWaitsForAnEarlierFlushThatTookTheCounts) {
  HeldStore store;
  test::FakeClock clock;
  StatsRecorder recorder(store, clock);
  recorder.ObserveLlmCall(0.2);

  bool first_done = false;
  bool second_done = false;
  recorder.Flush([&](const Status&) { first_done = true; });   // takes the counts
  recorder.Flush([&](const Status&) { second_done = true; });  // finds none of its own
  EXPECT_FALSE(second_done) << "the second read would see the rollups without the counts";

  ASSERT_EQ(store.held(), 2u);
  EXPECT_GT(store.CommitOldest(), 0u);
  EXPECT_TRUE(first_done);
  EXPECT_FALSE(second_done);
  EXPECT_EQ(store.CommitOldest(), 0u);
  EXPECT_TRUE(second_done);
  store.hold = false;
}

TEST(StatsRecorderTest, APeriodicFlushWithNothingCountedWritesNothing) {
  HeldStore store;
  test::FakeClock clock;
  StatsRecorder recorder(store, clock);
  recorder.Flush();
  EXPECT_EQ(store.held(), 0u);
  recorder.CountDeadLettered();
  recorder.Flush();
  EXPECT_EQ(store.held(), 1u);
  store.CommitOldest();
  store.hold = false;
}

}  // namespace
}  // namespace storybot
