// The sync-answer waiting room on a FakeClock: answered in time (200), timed out (202 + where
// to poll), answered after its timeout (nothing more), and the timeout starting only once the
// job is enqueued.
#include "channels/webhook/waiting_room.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <vector>

#include "tests/support/fake_clock.h"

namespace storybot::webhook {
namespace {

using std::chrono::seconds;

// An exchange that records what it is answered.
struct Recorded {
  std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<http::Response>> sent =
      std::make_shared<std::vector<http::Response>>();
  std::shared_ptr<std::promise<void>> first = std::make_shared<std::promise<void>>();
  http::ExchangePtr exchange = std::make_shared<http::Exchange>(
      http::Request{}, [mutex = mutex, sent = sent, first = first](http::Response r) {
        std::lock_guard lock(*mutex);
        sent->push_back(std::move(r));
        if (sent->size() == 1) first->set_value();
      });

  std::vector<http::Response> Sent() const {
    std::lock_guard lock(*mutex);
    return *sent;
  }
};

class WebhookWaitingRoomTest : public ::testing::Test {
 protected:
  test::FakeClock clock_;
  WaitingRoom room_{clock_, seconds(30)};
};

TEST_F(WebhookWaitingRoomTest, AWaiterAnsweredInTimeGetsTheStory) {
  Recorded request;
  room_.Enter("acme:m1", request.exchange, "acme");
  room_.Enqueued("acme:m1", request.exchange, 7);
  clock_.Advance(seconds(29));
  EXPECT_EQ(room_.ExpireDue(), 0u);
  EXPECT_EQ(room_.Answer("acme:m1", R"({"story":"Once"})"), 1u);
  clock_.Advance(seconds(10));
  EXPECT_EQ(room_.ExpireDue(), 0u);  // gone from the room: no 202 after the 200
  const auto sent = request.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 200);
  EXPECT_EQ(sent[0].body, R"({"story":"Once"})");
}

TEST_F(WebhookWaitingRoomTest, AWaiterPastTheTimeoutGets202AndWhereToPoll) {
  Recorded request;
  room_.Enter("acme:m1", request.exchange, "acme");
  room_.Enqueued("acme:m1", request.exchange, 7);
  clock_.Advance(seconds(30));
  EXPECT_EQ(room_.ExpireDue(), 1u);
  const auto sent = request.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 202);
  EXPECT_EQ(sent[0].Header("Location"), "/webhooks/acme/jobs/7");
  const auto body = boost::json::parse(sent[0].body).as_object();
  EXPECT_EQ(body.at("job_id").as_int64(), 7);
  EXPECT_EQ(body.at("status").as_string(), "pending");
  EXPECT_EQ(body.at("status_url").as_string(), "/webhooks/acme/jobs/7");
}

TEST_F(WebhookWaitingRoomTest, AJobThatEndsAfterTheTimeoutAnswersNoOne) {
  Recorded request;
  room_.Enter("acme:m1", request.exchange, "acme");
  room_.Enqueued("acme:m1", request.exchange, 7);
  clock_.Advance(seconds(31));
  EXPECT_EQ(room_.ExpireDue(), 1u);
  EXPECT_EQ(room_.Answer("acme:m1", R"({"story":"Late"})"), 0u);
  const auto sent = request.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 202);
}

TEST_F(WebhookWaitingRoomTest, TheTimeoutStartsWhenTheJobIsEnqueued) {
  Recorded request;
  room_.Enter("acme:m1", request.exchange, "acme");
  clock_.Advance(seconds(60));  // the inbox is slow to enqueue
  EXPECT_EQ(room_.ExpireDue(), 0u);
  room_.Enqueued("acme:m1", request.exchange, 7);
  clock_.Advance(seconds(29));
  EXPECT_EQ(room_.ExpireDue(), 0u);
  clock_.Advance(seconds(1));
  EXPECT_EQ(room_.ExpireDue(), 1u);
}

TEST_F(WebhookWaitingRoomTest, EveryWaiterOfAReplayedDeliveryIsAnswered) {
  Recorded first, replay, other;
  room_.Enter("acme:m1", first.exchange, "acme");
  room_.Enter("acme:m1", replay.exchange, "acme");
  room_.Enter("acme:m2", other.exchange, "acme");
  EXPECT_EQ(room_.Answer("acme:m1", "{}"), 2u);
  EXPECT_EQ(first.Sent().size(), 1u);
  EXPECT_EQ(replay.Sent().size(), 1u);
  EXPECT_TRUE(other.Sent().empty());
}

TEST_F(WebhookWaitingRoomTest, AWaiterThatLeftIsNotAnswered) {
  Recorded request;
  room_.Enter("acme:m1", request.exchange, "acme");
  room_.Leave("acme:m1", request.exchange);
  EXPECT_EQ(room_.Answer("acme:m1", "{}"), 0u);
  EXPECT_TRUE(request.Sent().empty());
}

TEST_F(WebhookWaitingRoomTest, TheTimerThreadAnswersOnceTheClockPassesTheDeadline) {
  Recorded request;
  room_.Start();
  room_.Enter("acme:m1", request.exchange, "acme");
  room_.Enqueued("acme:m1", request.exchange, 9);
  clock_.Advance(seconds(30));
  ASSERT_EQ(request.first->get_future().wait_for(seconds(5)), std::future_status::ready);
  EXPECT_EQ(request.Sent().at(0).status, 202);
}

TEST_F(WebhookWaitingRoomTest, StopAnswersWhoeverStillWaits) {
  Recorded request;
  room_.Start();
  room_.Enter("acme:m1", request.exchange, "acme");
  room_.Enqueued("acme:m1", request.exchange, 3);
  room_.Stop();
  const auto sent = request.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 202);
  EXPECT_EQ(sent[0].Header("Location"), "/webhooks/acme/jobs/3");
}

}  // namespace
}  // namespace storybot::webhook
