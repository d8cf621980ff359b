// The daily token budget on a fake clock: spent at the budget, free again at midnight UTC, what
// earlier runs spent today still counts, and 0 means no budget.
#include "core/safety/token_budget.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"
#include "tests/unit/core/safety/memory_safety_store.h"

namespace storybot {
namespace {

using std::chrono::seconds;

// 23:00:00Z on 2024-10-04 (day 20000): an hour before a UTC midnight.
constexpr std::int64_t kLateEvening = 20000 * 86400 + 23 * 3600;

class TokenBudgetTest : public ::testing::Test {
 protected:
  test::FakeClock clock_{std::chrono::system_clock::time_point(seconds(kLateEvening))};
  test::MemorySafetyStore store_;
  Metrics metrics_{"test"};
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  TokenBudget budget_{store_, metrics_, *logger_, clock_};
};

TEST_F(TokenBudgetTest, SpentAtTheBudgetUntilMidnightUtc) {
  ASSERT_TRUE(budget_.Load().ok());
  budget_.SetLimit(100);
  EXPECT_TRUE(budget_.Allows());
  budget_.Used(99);
  EXPECT_TRUE(budget_.Allows());
  budget_.Used(1);
  EXPECT_FALSE(budget_.Allows());
  EXPECT_TRUE(budget_.Now().spent);
  clock_.Advance(seconds(3599));
  EXPECT_FALSE(budget_.Allows());
  clock_.Advance(seconds(1));  // 00:00:00Z
  EXPECT_TRUE(budget_.Allows());
  EXPECT_EQ(budget_.Now().used_today, 0);
  const std::string metrics = metrics_.Render();
  EXPECT_NE(metrics.find("storybot_llm_budget_tokens 100"), std::string::npos);
  EXPECT_NE(metrics.find(R"(storybot_limit_rejections_total{kind="llm_budget"} 2)"),
            std::string::npos);
}

TEST_F(TokenBudgetTest, TodaysEarlierUsageCountsAfterARestart) {
  store_.AddTokens(UtcDay(kLateEvening), 70);
  store_.AddTokens(UtcDay(kLateEvening) - 1, 1000);  // yesterday's: irrelevant
  ASSERT_TRUE(budget_.Load().ok());
  budget_.SetLimit(100);
  EXPECT_EQ(budget_.Now().used_today, 70);
  budget_.Used(30);
  EXPECT_FALSE(budget_.Allows());
  EXPECT_EQ(store_.TokensUsed(UtcDay(kLateEvening)).value(), 100);
}

TEST_F(TokenBudgetTest, ZeroMeansNoBudget) {
  ASSERT_TRUE(budget_.Load().ok());
  budget_.Used(1'000'000);
  EXPECT_TRUE(budget_.Allows());
  EXPECT_FALSE(budget_.Now().spent);
}

TEST(UtcDayTest, DaysStartAtMidnightUtc) {
  EXPECT_EQ(UtcDay(0), 0);
  EXPECT_EQ(UtcDay(86399), 0);
  EXPECT_EQ(UtcDay(86400), 1);
  EXPECT_EQ(UtcDay(-1), -1);
}

}  // namespace
}  // namespace storybot
