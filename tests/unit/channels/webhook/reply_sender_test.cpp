// The webhook reply sender's outcomes: a sync reply answers its waiters (sent); a callback reply
// is sent once committed to the outbox, retried when the store cannot be read or written; a
// replay is answered from the stored story.
#include "channels/webhook/reply_sender.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "channels/webhook/reply_context.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/channels/webhook/fake_integration_store.h"

namespace storybot::webhook {
namespace {

class WebhookReplySenderTest : public ::testing::Test {
 protected:
  WebhookReplySenderTest() {
    store_.conversations["webhook/acme:u1"] = ConversationRef{5, 2};
    WebhookJob job;
    job.id = 41;
    job.delivery_key = "acme:m1";
    job.chat_id = "acme:u1";
    job.state = "pending";
    store_.jobs["acme:m1"] = job;
  }

  static OutboundReply Reply(const std::string& callback_url) {
    ReplyContext context;
    context.integration = "acme";
    context.webhook_id = "m1";
    context.user_id = "u1";
    context.callback_url = callback_url;
    OutboundReply reply;
    reply.channel = "webhook";
    reply.chat_id = "acme:u1";
    reply.text = "Once upon a time";
    reply.reply_context = SerializeReplyContext(context);
    reply.delivery_key = "acme:m1";
    reply.engine = "offline";
    return reply;
  }

  SendResult Send(const OutboundReply& reply) {
    std::promise<SendResult> result;
    sender_.Send(reply, [&result](SendResult r) { result.set_value(std::move(r)); });
    auto future = result.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    return future.get();
  }

  // A sync request waiting for delivery acme:m1; its answer lands in `*answered`.
  std::shared_ptr<std::promise<http::Response>> Wait() {
    auto answered = std::make_shared<std::promise<http::Response>>();
    auto ex = std::make_shared<http::Exchange>(
        http::Request{}, [answered](http::Response r) { answered->set_value(std::move(r)); });
    waiting_.Enter("acme:m1", ex, "acme");
    return answered;
  }

  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  test::FakeIntegrationStore store_;
  test::FakeClock clock_;
  IntegrationRegistry registry_{store_};
  CallbackDispatcher dispatcher_{store_, registry_, *logger_, {}};  // not started: no sends
  WorkPool pool_{1};
  WaitingRoom waiting_{clock_, std::chrono::seconds(30)};
  WebhookReplySender sender_{store_, waiting_, dispatcher_, pool_, "openai"};
};

TEST_F(WebhookReplySenderTest, ASyncReplyAnswersItsWaiterAndIsSent) {
  auto answered = Wait();
  const SendResult r = Send(Reply(""));
  EXPECT_EQ(r.outcome, SendOutcome::kSent);
  auto future = answered->get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const http::Response response = future.get();
  EXPECT_EQ(response.status, 200);
  const auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("story").as_string(), "Once upon a time");
  EXPECT_EQ(body.at("engine").as_string(), "offline");
  EXPECT_EQ(body.at("conversation_id").as_int64(), 5);
  EXPECT_EQ(body.at("prompt_id").as_int64(), 2);
  EXPECT_TRUE(store_.callbacks.empty());
}

TEST_F(WebhookReplySenderTest, ASyncReplyWhoseWaiterTimedOutIsStillSent) {
  EXPECT_EQ(Send(Reply("")).outcome, SendOutcome::kSent);  // the story stays for job status
}

TEST_F(WebhookReplySenderTest, ACallbackReplyIsSentOnceInTheOutbox) {
  const SendResult r = Send(Reply("https://hooks.example/cb"));
  EXPECT_EQ(r.outcome, SendOutcome::kSent);
  ASSERT_EQ(store_.callbacks.size(), 1u);
  const CallbackRecord& c = store_.callbacks[0];
  EXPECT_EQ(c.delivery_key, "acme:m1");
  EXPECT_EQ(c.integration, "acme");
  EXPECT_EQ(c.url, "https://hooks.example/cb");
  EXPECT_EQ(c.state, "pending");
  EXPECT_TRUE(c.message_id.starts_with("msg_"));
  const auto payload = boost::json::parse(c.payload).as_object();
  EXPECT_EQ(payload.at("type").as_string(), "story.completed");
  const auto& data = payload.at("data").as_object();
  EXPECT_EQ(data.at("job_id").as_int64(), 41);
  EXPECT_EQ(data.at("webhook_id").as_string(), "m1");
  EXPECT_EQ(data.at("user_id").as_string(), "u1");
  EXPECT_EQ(data.at("story").as_string(), "Once upon a time");
}

TEST_F(WebhookReplySenderTest, AnOutboxThatCannotBeWrittenIsRetried) {
  store_.add_callback_result = Unavailable("database or disk is full");
  const SendResult r = Send(Reply("https://hooks.example/cb"));
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.error, "database or disk is full");
}

TEST_F(WebhookReplySenderTest, AJobThatCannotBeReadIsRetried) {
  store_.read_result = Unavailable("database is locked");
  const SendResult r = Send(Reply("https://hooks.example/cb"));
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.error, "database is locked");
  EXPECT_TRUE(store_.callbacks.empty());
}

TEST_F(WebhookReplySenderTest, AReplayIsAnsweredFromTheStoredStoryWithTheConfiguredEngine) {
  auto answered = Wait();
  sender_.AnswerFromStore("acme:m1");  // no story yet: still waiting
  store_.jobs["acme:m1"].reply = "Stored tale";
  sender_.AnswerFromStore("acme:m1");
  auto future = answered->get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const auto body = boost::json::parse(future.get().body).as_object();
  EXPECT_EQ(body.at("story").as_string(), "Stored tale");
  EXPECT_EQ(body.at("engine").as_string(), "openai");
}

}  // namespace
}  // namespace storybot::webhook
