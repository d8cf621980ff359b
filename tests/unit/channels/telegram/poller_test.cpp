// The getUpdates loop against the fake Bot API: a 409 because a webhook is set removes the
// webhook, a 409 from another poller backs off (on a fake clock) and recovers, and a refused
// token stops the loop; problem() reports what /readyz shows.
#include "channels/telegram/poller.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "tests/support/fake_telegram_api.h"

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

// Records the waits the poller asks for and returns at once: the backoff is checked on a fake
// clock, so the test takes milliseconds however long the backoff would be.
struct FakeSleep {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> waits;
  bool operator()(std::chrono::milliseconds d) {
    std::lock_guard lock(mutex);
    waits.push_back(d);
    return true;
  }
  std::vector<std::chrono::milliseconds> Waits() {
    std::lock_guard lock(mutex);
    return waits;
  }
};

class PollerTest : public ::testing::Test {
 protected:
  void StartPoller() {
    PollerOptions options;
    options.max_backoff = std::chrono::seconds(8);
    options.min_empty_interval = std::chrono::milliseconds(0);
    options.sleep = [this](std::chrono::milliseconds d) { return sleep_(d); };
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
    for (int i = 0; i < 1000 && !condition(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
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
  FakeSleep sleep_;
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
  ASSERT_TRUE(WaitFor([&] { return Delivered() == 1; }));
  const auto waits = sleep_.Waits();
  ASSERT_GE(waits.size(), 5u);
  const std::vector<std::chrono::milliseconds> expected{
      std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(4),
      std::chrono::seconds(8), std::chrono::seconds(8)};  // capped
  EXPECT_EQ(std::vector(waits.begin(), waits.begin() + 5), expected);
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

TEST_F(PollerTest, ARefusedTokenStopsPollingWithAProblem) {
  fake_.Fail("getUpdates", 1, 401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  StartPoller();
  ASSERT_TRUE(WaitFor([&] { return !poller_->running(); }));
  EXPECT_NE(poller_->problem().find("bot token was refused"), std::string::npos);
}

}  // namespace
}  // namespace storybot::telegram
