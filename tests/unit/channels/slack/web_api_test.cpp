#include "channels/slack/web_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <deque>
#include <future>
#include <mutex>

#include "channels/slack/inbound.h"
#include "channels/slack/sender.h"
#include "channels/slack/text.h"

namespace storybot::slack {
namespace {

HttpCallResult Answer(long status, std::string body,
                      std::map<std::string, std::string> headers = {}) {
  HttpCallResult r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

SendOutcome OutcomeOf(const HttpCallResult& r) { return ClassifyResponse(r).result.outcome; }

TEST(SlackWebApi, ClassifiesAnswers) {
  EXPECT_EQ(OutcomeOf(Answer(200, R"({"ok":true,"ts":"1.2"})")), SendOutcome::kSent);
  EXPECT_EQ(OutcomeOf(Answer(0, "")), SendOutcome::kRetry);
  EXPECT_EQ(OutcomeOf(Answer(502, "bad gateway")), SendOutcome::kRetry);
  EXPECT_EQ(OutcomeOf(Answer(200, "<html>")), SendOutcome::kRetry);
  EXPECT_EQ(OutcomeOf(Answer(404, "")), SendOutcome::kPermanent);
  for (const char* error : {"invalid_auth", "channel_not_found", "not_in_channel", "is_archived",
                            "msg_too_long", "token_revoked"}) {
    const ApiOutcome o =
        ClassifyResponse(Answer(200, std::string(R"({"ok":false,"error":")") + error + "\"}"));
    EXPECT_EQ(o.result.outcome, SendOutcome::kPermanent) << error;
    EXPECT_EQ(o.slack_error, error);
    EXPECT_NE(o.result.error.find(error), std::string::npos);
  }
  for (const char* error : {"internal_error", "fatal_error", "service_unavailable"}) {
    EXPECT_EQ(OutcomeOf(Answer(200, std::string(R"({"ok":false,"error":")") + error + "\"}")),
              SendOutcome::kRetry)
        << error;
  }
}

TEST(SlackWebApi, RateLimitsWaitForRetryAfter) {
  const ApiOutcome limited = ClassifyResponse(
      Answer(429, R"({"ok":false,"error":"ratelimited"})", {{"retry-after", "30"}}));
  EXPECT_EQ(limited.result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(limited.result.retry_after_s, 30);
  EXPECT_EQ(ClassifyResponse(Answer(429, "")).result.retry_after_s, 1);
  EXPECT_EQ(ClassifyResponse(Answer(429, "", {{"retry-after", "soon"}})).result.retry_after_s, 1);
  EXPECT_EQ(ClassifyResponse(Answer(429, "", {{"retry-after", "999999"}})).result.retry_after_s,
            3600);
}

TEST(SlackWebApi, ResponseUrlMayAnswerPlainText) {
  EXPECT_EQ(ClassifyResponse(Answer(200, "ok"), true).result.outcome, SendOutcome::kSent);
  EXPECT_EQ(ClassifyResponse(Answer(404, "expired_url"), true).result.outcome,
            SendOutcome::kPermanent);
}

// A scripted Web API transport: records calls, answers from a queue (then {"ok":true}).
struct FakeSlack final : HttpTransport {
  std::mutex mutex;
  std::vector<HttpCall> calls;
  std::deque<HttpCallResult> answers;
  HttpTransport& Transport() { return *this; }
  HttpCallResult Call(const HttpCall& call) override {
    std::lock_guard lock(mutex);
    calls.push_back(call);
    if (answers.empty()) return Answer(200, R"({"ok":true,"ts":"9.9","user_id":"UBOT"})");
    HttpCallResult r = answers.front();
    answers.pop_front();
    return r;
  }
  void Start(HttpCall call, Done done) override { done(Call(call)); }
  static std::string Header(const HttpCall& call, const std::string& name) {
    for (const auto& [n, v] : call.headers) {
      if (n == name) return v;
    }
    return "";
  }
  static boost::json::object Body(const HttpCall& call) {
    return boost::json::parse(call.body).as_object();
  }
};

TEST(SlackWebApi, PostMessageSendsJsonWithTheBotToken) {
  FakeSlack fake;
  SlackWebApi api("http://slack.test/api/", "xoxb-1", fake.Transport());
  auto user = api.AuthTest();
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user.value(), "UBOT");
  EXPECT_EQ(api.PostMessage("C1", "hi &amp; bye", "1.5", "trace9").result.outcome,
            SendOutcome::kSent);
  ASSERT_EQ(fake.calls.size(), 2u);
  EXPECT_EQ(fake.calls[0].url, "http://slack.test/api/auth.test");
  const HttpCall& post = fake.calls[1];
  EXPECT_EQ(post.url, "http://slack.test/api/chat.postMessage");
  EXPECT_EQ(FakeSlack::Header(post, "Authorization"), "Bearer xoxb-1");
  EXPECT_EQ(FakeSlack::Header(post, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(FakeSlack::Header(post, "X-Trace-Id"), "trace9");
  const auto body = FakeSlack::Body(post);
  EXPECT_EQ(body.at("channel").as_string(), "C1");
  EXPECT_EQ(body.at("text").as_string(), "hi &amp; bye");
  EXPECT_EQ(body.at("thread_ts").as_string(), "1.5");
  EXPECT_FALSE(FakeSlack::Body(fake.calls[1]).contains("response_type"));
}

TEST(SlackWebApi, AuthTestFailureIsAnError) {
  FakeSlack fake;
  fake.answers.push_back(Answer(200, R"({"ok":false,"error":"invalid_auth"})"));
  SlackWebApi api("http://slack.test/api", "xoxb-bad", fake.Transport());
  auto user = api.AuthTest();
  ASSERT_FALSE(user.ok());
  EXPECT_NE(user.error().message.find("invalid_auth"), std::string::npos);
  EXPECT_EQ(user.error().message.find("xoxb"), std::string::npos);
}

OutboundReply Reply(std::string text, ReplyTarget target) {
  return {"slack", target.channel, std::move(text), EncodeReplyContext(target),
          "trace", "event:Ev1"};
}

std::shared_ptr<Logger> QuietLogger() {
  return Logger::Open({"", LogLevel::kError, false}).value();
}

TEST(SlackSender, SplitsLongStoriesAndEscapes) {
  FakeSlack fake;
  SlackWebApi api("http://slack.test/api", "xoxb-1", fake.Transport());
  auto logger = QuietLogger();
  SlackSender sender(api, *logger, 1);
  std::string story = "Tom & Jerry.\n\n";
  story += std::string(5000, 'x');
  EXPECT_EQ(sender.SendNow(Reply(story, {"C1", "1.5", ""})).outcome, SendOutcome::kSent);
  ASSERT_EQ(fake.calls.size(), 3u);
  EXPECT_EQ(FakeSlack::Body(fake.calls[0]).at("text").as_string(), "Tom &amp; Jerry.");
  for (const auto& call : fake.calls) {
    EXPECT_EQ(FakeSlack::Body(call).at("thread_ts").as_string(), "1.5");
    EXPECT_LE(FakeSlack::Body(call).at("text").as_string().size(), kMaxMessageCharacters);
  }
}

TEST(SlackSender, RetryDoesNotRepostPiecesAlreadySent) {
  FakeSlack fake;
  fake.answers.push_back(Answer(200, R"({"ok":true})"));
  fake.answers.push_back(Answer(429, "", {{"retry-after", "7"}}));
  SlackWebApi api("http://slack.test/api", "xoxb-1", fake.Transport());
  auto logger = QuietLogger();
  SlackSender sender(api, *logger, 1);
  const std::string story = std::string(3000, 'a') + ".\n\n" + std::string(3000, 'b') + ".";
  const SendResult first = sender.SendNow(Reply(story, {"C1", "", ""}));
  EXPECT_EQ(first.outcome, SendOutcome::kRetry);
  EXPECT_EQ(first.retry_after_s, 7);
  EXPECT_EQ(first.pieces_sent, 1);  // the job runner stores this with the attempt
  // The retry (here by a new sender, as after a restart) gets the stored count back.
  SlackSender restarted(api, *logger, 1);
  OutboundReply retry = Reply(story, {"C1", "", ""});
  retry.pieces_sent = first.pieces_sent;
  EXPECT_EQ(restarted.SendNow(retry).outcome, SendOutcome::kSent);
  ASSERT_EQ(fake.calls.size(), 3u);
  EXPECT_EQ(FakeSlack::Body(fake.calls[2]).at("text").as_string()[0], 'b');
}

TEST(SlackSender, FallsBackToResponseUrlWhenNotInTheChannel) {
  FakeSlack fake;
  fake.answers.push_back(Answer(200, R"({"ok":false,"error":"not_in_channel"})"));
  fake.answers.push_back(Answer(200, "ok"));
  SlackWebApi api("http://slack.test/api", "xoxb-1", fake.Transport());
  auto logger = QuietLogger();
  SlackSender sender(api, *logger, 1);
  EXPECT_EQ(sender.SendNow(Reply("A story.", {"C1", "", "http://hooks.test/r/1"})).outcome,
            SendOutcome::kSent);
  ASSERT_EQ(fake.calls.size(), 2u);
  const HttpCall& hook = fake.calls[1];
  EXPECT_EQ(hook.url, "http://hooks.test/r/1");
  EXPECT_EQ(FakeSlack::Header(hook, "Authorization"), "");  // the token never leaves for hooks
  EXPECT_EQ(FakeSlack::Body(hook).at("response_type").as_string(), "in_channel");
  EXPECT_EQ(FakeSlack::Body(hook).at("text").as_string(), "A story.");

  // Without a response_url (a mention), not_in_channel is final.
  fake.answers.push_back(Answer(200, R"({"ok":false,"error":"not_in_channel"})"));
  const SendResult mention = sender.SendNow(Reply("A story.", {"C1", "1.0", ""}));
  EXPECT_EQ(mention.outcome, SendOutcome::kPermanent);
  EXPECT_NE(mention.error.find("not_in_channel"), std::string::npos);
}

TEST(SlackSender, SendRunsOnItsOwnThreads) {
  FakeSlack fake;
  SlackWebApi api("http://slack.test/api", "xoxb-1", fake.Transport());
  auto logger = QuietLogger();
  SlackSender sender(api, *logger, 2);
  std::promise<SendResult> done;
  sender.Send(Reply("Hi.", {"D1", "", ""}), [&done](SendResult r) { done.set_value(r); });
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(future.get().outcome, SendOutcome::kSent);
  EXPECT_EQ(sender.SendNow(Reply("Hi.", {"", "", ""})).outcome, SendOutcome::kPermanent);
}

}  // namespace
}  // namespace storybot::slack
