// The callback dispatcher on a FakeClock against a real HTTP receiver on 127.0.0.1 that answers
// 503: a failed attempt is retried after the backoff, and the retry window ends it as expired;
// at start, rows whose window ended while storybot was down expire without an attempt, and the
// others are attempted when the clock reaches their stored next attempt.
#include "channels/webhook/callback_dispatcher.h"

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "channels/webhook/signature.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/wait_for.h"
#include "tests/unit/channels/webhook/fake_integration_store.h"

namespace storybot::webhook {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class WebhookCallbackDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Integration acme;
    acme.name = "acme";
    acme.secret = GenerateSecret();
    acme.callback_allowlist = {"127.0.0.1"};
    store_.integrations["acme"] = acme;
    ASSERT_TRUE(registry_.Load().ok());
    receiver_.On("POST", "/{hook}", [](const http::ExchangePtr& ex) {
      ex->Reply(http::JsonResponse(503, R"({"error":"busy"})"));
    });
  }

  CallbackRecord Record(const std::string& hook) {
    CallbackRecord r;
    r.delivery_key = "acme:" + hook;
    r.integration = "acme";
    r.url = receiver_.base_url() + "/" + hook;
    r.message_id = "msg_" + hook;
    r.payload = R"({"type":"story.completed"})";
    return r;
  }

  // Waits (bounded, real time) until the receiver has seen `n` requests.
  bool WaitForRequests(std::size_t n) {
    return test::WaitFor([&] { return receiver_.request_count() >= n; }, milliseconds(5000),
                         milliseconds(1));
  }

  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  test::FakeIntegrationStore store_;
  IntegrationRegistry registry_{store_};
  test::FakeClock clock_;
  test::FakeHttpServer receiver_;
};

TEST_F(WebhookCallbackDispatcherTest, RetriesAfterTheBackoffUntilTheWindowEnds) {
  CallbackOptions options;
  options.retry_window_s = 5;  // first retry after 2 s ±20 %, the second would be 4 s later
  CallbackDispatcher dispatcher(store_, registry_, *logger_, options, clock_);
  ASSERT_TRUE(dispatcher.Start().ok());
  const std::int64_t enqueued_at = clock_.UnixSeconds();
  std::promise<Status> stored;
  dispatcher.Enqueue(Record("a"), [&stored](Status s) { stored.set_value(s); });
  ASSERT_TRUE(stored.get_future().get().ok());
  ASSERT_EQ(store_.callbacks.size(), 1u);
  EXPECT_EQ(store_.callbacks[0].give_up_at, enqueued_at + 5);

  // The first attempt at once; 503 schedules the next one within the backoff's jitter.
  auto updates = store_.WaitForUpdates(1);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(receiver_.request_count(), 1u);
  EXPECT_EQ(updates[0].state, "pending");
  EXPECT_EQ(updates[0].attempts, 1);
  EXPECT_EQ(updates[0].last_status, 503);
  EXPECT_GE(updates[0].next_attempt_at, enqueued_at + 1);
  EXPECT_LE(updates[0].next_attempt_at, enqueued_at + 3);

  // Past the longest first backoff (2.4 s): the second attempt, whose retry would start after
  // the window, ends the callback as expired.
  clock_.Advance(milliseconds(2500));
  updates = store_.WaitForUpdates(2);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(receiver_.request_count(), 2u);
  EXPECT_EQ(updates[1].state, "expired");
  EXPECT_EQ(updates[1].attempts, 2);
  const auto requests = receiver_.requests();
  EXPECT_EQ(requests[1].Header("webhook-id"), "msg_a");  // the same id on every attempt
  EXPECT_EQ(requests[1].Header("webhook-timestamp"), std::to_string(clock_.UnixSeconds()));
}

TEST_F(WebhookCallbackDispatcherTest, AtStartRowsPastTheirWindowExpireAndOthersWaitTheirTurn) {
  const std::int64_t now = clock_.UnixSeconds();
  CallbackRecord ended = Record("ended");
  ended.attempts = 3;
  ended.next_attempt_at = now - 10;
  ended.give_up_at = now - 1;
  CallbackRecord soon = Record("soon");
  soon.next_attempt_at = now + 3;
  soon.give_up_at = now + 3600;
  CallbackRecord later = Record("later");
  later.next_attempt_at = now + 10;
  later.give_up_at = now + 3600;
  store_.pending = {ended, later, soon};

  CallbackDispatcher dispatcher(store_, registry_, *logger_, {}, clock_);
  ASSERT_TRUE(dispatcher.Start().ok());
  auto updates = store_.WaitForUpdates(1);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].delivery_key, "acme:ended");
  EXPECT_EQ(updates[0].state, "expired");
  EXPECT_EQ(updates[0].attempts, 3);  // no attempt after the window

  clock_.Advance(seconds(4));
  updates = store_.WaitForUpdates(2);  // "soon" tried (503) and rescheduled
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].delivery_key, "acme:soon");
  EXPECT_EQ(updates[1].attempts, 1);
  ASSERT_EQ(receiver_.request_count(), 1u);  // "later" is not due yet
  EXPECT_EQ(receiver_.requests()[0].path, "/soon");

  clock_.Advance(seconds(7));  // past "later" and the retry of "soon"
  ASSERT_TRUE(WaitForRequests(3));
  std::multiset<std::string> paths;
  for (const auto& r : receiver_.requests()) paths.insert(r.path);
  EXPECT_EQ(paths.count("/soon"), 2u);
  EXPECT_EQ(paths.count("/later"), 1u);
  EXPECT_EQ(paths.count("/ended"), 0u);  // never sent after its window
}

}  // namespace
}  // namespace storybot::webhook
