// Per-user quotas over sliding windows, at their edges: a start frees its place exactly one
// window later, both limits apply, and 0 turns a limit off.
#include "core/safety/quota.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

SafetyLimits Limits(std::int64_t hour, std::int64_t day) {
  SafetyLimits limits;
  limits.user_per_hour = hour;
  limits.user_per_day = day;
  return limits;
}

TEST(QuotaTest, UnderTheLimitIsAllowed) {
  EXPECT_TRUE(CheckQuota({}, 1000, Limits(2, 10)).allowed());
  EXPECT_TRUE(CheckQuota({990}, 1000, Limits(2, 10)).allowed());
}

TEST(QuotaTest, TheHourlyLimitFreesExactlyOneHourAfterTheOldestStart) {
  const std::vector<std::int64_t> starts{10000, 10600};
  const QuotaVerdict at_limit = CheckQuota(starts, 11000, Limits(2, 10));
  EXPECT_EQ(at_limit.kind, QuotaVerdict::Kind::kOverHourly);
  EXPECT_EQ(at_limit.retry_at, 10000 + kHourSeconds);
  // One second before the edge it still counts; at the edge it has left the window.
  EXPECT_FALSE(CheckQuota(starts, 10000 + kHourSeconds - 1, Limits(2, 10)).allowed());
  EXPECT_TRUE(CheckQuota(starts, 10000 + kHourSeconds, Limits(2, 10)).allowed());
}

TEST(QuotaTest, RetryAtIsWhenEnoughStartsHaveLeft) {
  // Three starts in the window against a limit of 2: two must leave before one more fits, so
  // the second oldest sets the time.
  const std::vector<std::int64_t> starts{100, 200, 300};
  const QuotaVerdict v = CheckQuota(starts, 400, Limits(2, 0));
  EXPECT_EQ(v.retry_at, 200 + kHourSeconds);
  EXPECT_FALSE(CheckQuota(starts, 200 + kHourSeconds - 1, Limits(2, 0)).allowed());
  EXPECT_TRUE(CheckQuota(starts, 200 + kHourSeconds, Limits(2, 0)).allowed());
}

TEST(QuotaTest, TheDailyLimitCountsTwentyFourHours) {
  std::vector<std::int64_t> starts;
  for (int i = 0; i < 3; ++i) starts.push_back(i * 2 * kHourSeconds);  // hours 0, 2, 4
  const std::int64_t now = 5 * kHourSeconds;
  const QuotaVerdict v = CheckQuota(starts, now, Limits(20, 3));
  EXPECT_EQ(v.kind, QuotaVerdict::Kind::kOverDaily);
  EXPECT_EQ(v.retry_at, kDaySeconds);
  EXPECT_FALSE(CheckQuota(starts, kDaySeconds - 1, Limits(20, 3)).allowed());
  EXPECT_TRUE(CheckQuota(starts, kDaySeconds, Limits(20, 3)).allowed());
}

TEST(QuotaTest, TheLimitThatFreesLastDecides) {
  // Over both: the day frees later than the hour, so the reader is told the day's time.
  const std::vector<std::int64_t> starts{0, 3000, 3500};
  const QuotaVerdict v = CheckQuota(starts, 3600 + 100, Limits(2, 3));
  EXPECT_EQ(v.kind, QuotaVerdict::Kind::kOverDaily);
  EXPECT_EQ(v.retry_at, kDaySeconds);
}

TEST(QuotaTest, ZeroTurnsALimitOff) {
  const std::vector<std::int64_t> starts(500, 1000);
  EXPECT_TRUE(CheckQuota(starts, 1001, Limits(0, 0)).allowed());
  EXPECT_EQ(CheckQuota(starts, 1001, Limits(0, 100)).kind, QuotaVerdict::Kind::kOverDaily);
}

TEST(QuotaTest, OrderOfStartsDoesNotMatter) {
  EXPECT_EQ(CheckQuota({300, 100, 200}, 400, Limits(2, 0)).retry_at, 200 + kHourSeconds);
}

}  // namespace
}  // namespace storybot
