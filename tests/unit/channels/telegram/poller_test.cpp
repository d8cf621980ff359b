// The getUpdates loop against the fake Bot API: a 409 because a webhook is set removes the
// webhook, a 409 from another poller backs off (on a fake clock) and recovers, and a refused
// token stops the loop; problem() reports what /readyz shows.
#include "channels/telegram/poller.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "tests/support/fake_clock.h"
#include "tests/support/fake_telegram_api.h"
#include "tests/support/wait_for.h"

namespace storybot::telegram {
namespace {

using test::FakeTelegramApi;

constexpr const char* kWebhookConflict =
    R"({"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})";
constexpr const char* kPollerConflict =
    R"({"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})";

std::string Update(std::int64_t id) {
  return boost::json::serialize(
      boost::json::object{{"update_id", id},
                          {"message",
                           {{"message_id", id},
                            {"date", 1700000000},
                            {"from", {{"id", 7}, {"is_bot", false}, {"first_name", "Ada"}}},
                            {"chat", {{"id", 7}, {"type", "private"}}},
                            {"text", "owls"}}}});
}

class PollerTest : public ::testing::Test {
 protected:
  void StartPoller() {
    PollerOptions options;
    options.max_backoff = std::chrono::seconds(8);
    options.min_empty_interval = std::chrono::milliseconds(0);
    options.clock = &clock_;
    poller_ = std::make_unique<Poller>(
        api_, *logger_,
        [this](const std::vector<ParsedUpdate>& batch) {
          std::lock_guard lock(mutex_);
          for (const auto& u : batch) delivered_.push_back(u.update_id);
          return true;
        },
        options);
    poller_->Start();
  }
  template <class F>
  bool WaitFor(F condition) {  // bounded: 10 s of real time at most
    return test::WaitFor(condition, std::chrono::seconds(10));
  }
  // Waits until the poller has asked the fake clock for its `n`th wait (1-based) and returns
  // it, or -1 ms when it never does. The backoff is read off the fake clock, so the test takes
  // milliseconds however long the backoff would be.
  std::chrono::milliseconds NthWait(std::size_t n) {
    if (!WaitFor([&] { return clock_.requested().size() >= n; }))
      return std::chrono::milliseconds(-1);
    return clock_.requested()[n - 1];
  }
  std::size_t Delivered() {
    std::lock_guard lock(mutex_);
    return delivered_.size();
  }
  void TearDown() override {
    if (poller_) poller_->Stop();
  }

  FakeTelegramApi fake_;
  BotApi api_{fake_.base_url(), FakeTelegramApi::kToken};
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  test::FakeClock clock_;
  std::unique_ptr<Poller> poller_;
  std::mutex mutex_;
  std::vector<std::int64_t> delivered_;
};

TEST_F(PollerTest, AWebhookConflictDeletesTheWebhookAndPollingGoesOn) {
  fake_.Fail("getUpdates", 1, 409, kWebhookConflict);
  fake_.QueueUpdate(Update(10));
  StartPoller();
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));
  EXPECT_EQ(fake_.calls("deleteWebhook"), 1);
  EXPECT_TRUE(poller_->running());
  EXPECT_EQ(poller_->problem(), "");
}

TEST_F(PollerTest, AnotherPollerBacksOffExponentiallyReportsTheProblemAndRecovers) {
  fake_.Fail("getUpdates", 5, 409, kPollerConflict);
  fake_.QueueUpdate(Update(20));
  StartPoller();
  const std::vector<std::chrono::milliseconds> expected{
      std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(4),
      std::chrono::seconds(8), std::chrono::seconds(8)};  // capped
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(NthWait(i + 1), expected[i]) << "wait " << i + 1;
    EXPECT_EQ(fake_.calls("getUpdates"), static_cast<int>(i + 1));  // waiting, not polling
    clock_.Advance(expected[i]);
  }
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));
  EXPECT_EQ(fake_.calls("deleteWebhook"), 0);  // not a webhook: nothing to delete
  EXPECT_EQ(poller_->problem(), "");           // cleared by the successful poll
  EXPECT_TRUE(poller_->running());
}

TEST_F(PollerTest, WhileTheConflictLastsTheProblemSaysSo) {
  fake_.Fail("getUpdates", 1000000, 409, kPollerConflict);
  StartPoller();
  ASSERT_TRUE(WaitFor([&] { return !poller_->problem().empty(); }));
  EXPECT_NE(poller_->problem().find("another getUpdates poller"), std::string::npos)
      << poller_->problem();
  EXPECT_TRUE(poller_->running());  // still retrying
}

TEST_F(PollerTest, RateLimitedPollsWaitRetryAfterOnTheClock) {
  fake_.Fail(
      "getUpdates", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
  fake_.QueueUpdate(Update(30));
  StartPoller();
  ASSERT_EQ(NthWait(1), std::chrono::seconds(7));
  EXPECT_EQ(fake_.calls("getUpdates"), 1);
  EXPECT_EQ(Delivered(), 0u);
  clock_.Advance(std::chrono::seconds(7));
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));  // from the second poll
  EXPECT_GE(fake_.calls("getUpdates"), 2);
}

TEST_F(PollerTest, StopCutsALongWaitShort) {
  fake_.Fail("getUpdates", 1000000, 409, kPollerConflict);
  StartPoller();
  ASSERT_EQ(NthWait(1), std::chrono::seconds(1));  // waiting on a clock that never moves
  const auto start = std::chrono::steady_clock::now();
  poller_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_FALSE(poller_->running());
}

TEST_F(PollerTest, ARefusedTokenStopsPollingWithAProblem) {
  fake_.Fail("getUpdates", 1, 401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  StartPoller();
  ASSERT_TRUE(WaitFor([&] { return !poller_->running(); }));
  EXPECT_NE(poller_->problem().find("bot token was refused"), std::string::npos);
}

}  // namespace
}  // namespace storybot::telegram
