// Discord's reply rules (channels/discord/sender.cpp) through a scripted transport
// (tests/support/fake_transport.h) on a fake clock: pieces of at most 2,000 characters (the first
// edits the deferred response, the rest are follow-ups), 429 waits retry_after, spent buckets
// wait Reset-After, 5xx backs off, 401/403/404 give up, a retry resumes at pieces_sent, and the
// 15-minute interaction token ends every attempt. SendNow runs on the test's thread; the clock
// jumps to each wait's end, so the waits are read, not slept.
#include "channels/discord/sender.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <memory>

#include "channels/discord/reply_context.h"
#include "core/utf8.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_transport.h"

namespace storybot::discord {
namespace {

using namespace std::chrono_literals;
using test::FakeTransport;

// A fake clock whose waits end at once by moving it to the wait's end.
class JumpingClock final : public Clock {
 public:
  SteadyTime SteadyNow() const override { return fake_.SteadyNow(); }
  WallTime WallNow() const override { return fake_.WallNow(); }
  void WaitUntil(std::condition_variable&, std::unique_lock<std::mutex>&,
                 SteadyTime until) override {
    if (until > SteadyNow())
      Advance(std::chrono::ceil<std::chrono::milliseconds>(until - SteadyNow()));
  }
  void SleepFor(std::chrono::milliseconds duration) override { Advance(duration); }
  void Advance(std::chrono::milliseconds by) { fake_.Advance(by); }
  std::int64_t UnixMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(WallNow().time_since_epoch())
        .count();
  }

 private:
  test::FakeClock fake_;
};

// Three paragraphs of about 1,500 characters: split into three pieces at 2,000.
std::string LongStory() {
  std::string story;
  for (int part = 1; part <= 3; ++part) {
    std::string paragraph = "Part " + std::to_string(part) + " begins.";
    while (paragraph.size() < 1500) paragraph += " The owls kept flying over the town.";
    story += (story.empty() ? "" : "\n\n") + paragraph;
  }
  return story;
}

class DiscordSenderTest : public ::testing::Test {
 protected:
  DiscordSenderTest() { Reset(); }

  // A fresh transport (empty script, default 200) and sender on the same clock.
  void Reset(SenderOptions options = {}) {
    sender_.reset();
    transport_ = std::make_unique<FakeTransport>();
    times_.clear();
    transport_->OnRequest(
        [this](const HttpCall&) { times_.push_back(clock_.SteadyNow() - start_); });
    api_ = std::make_unique<DiscordApi>("http://127.0.0.1:9/api/v10", *transport_);
    sender_ = std::make_unique<DiscordSender>(*api_, *logger_, options, clock_);
  }

  OutboundReply Reply(std::string text, int pieces_sent = 0, std::string token = "secret-token") {
    OutboundReply reply;
    reply.channel = "discord";
    reply.chat_id = "645027906669510667";
    reply.text = std::move(text);
    reply.reply_context =
        EncodeReplyContext({"1100", std::move(token), "1255", clock_.UnixMs() + kTokenLifetimeMs});
    reply.trace_id = "trace-1";
    reply.pieces_sent = pieces_sent;
    return reply;
  }
  SendResult SendNow(const OutboundReply& reply) { return sender_->SendNow(reply); }
  std::vector<HttpCall> Requests() const { return transport_->requests(); }

  static std::string Content(const HttpCall& call) {
    return std::string(boost::json::parse(call.body).as_object().at("content").as_string());
  }
  static bool IsEdit(const HttpCall& call) {
    return call.method == "PATCH" &&
           call.url.ends_with("/webhooks/1100/secret-token/messages/@original");
  }
  static bool IsFollowup(const HttpCall& call) {
    return call.method == "POST" && call.url.ends_with("/webhooks/1100/secret-token");
  }
  static HttpCallResult RateLimited(std::string retry_after, bool global = false) {
    return FakeTransport::Answer(429, R"({"message":"You are being rate limited.","retry_after":)" +
                                          retry_after + R"(,"global":)" +
                                          (global ? "true" : "false") + "}");
  }

  JumpingClock clock_;
  const Clock::SteadyTime start_ = clock_.SteadyNow();
  std::vector<Clock::SteadyTime::duration> times_;  // the fake time of each request
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  std::unique_ptr<FakeTransport> transport_;
  std::unique_ptr<DiscordApi> api_;
  std::unique_ptr<DiscordSender> sender_;
};

TEST_F(DiscordSenderTest, AShortStoryEditsTheDeferredResponse) {
  const SendResult result = SendNow(Reply("Once upon a time."));
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.error;
  EXPECT_EQ(result.pieces_sent, 1);
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(IsEdit(requests[0])) << requests[0].url;
  EXPECT_EQ(Content(requests[0]), "Once upon a time.");
}

TEST_F(DiscordSenderTest, ALongStoryIsSplitAt2000IntoAnEditAndFollowUps) {
  const std::string story = LongStory();
  ASSERT_GT(story.size(), 4000u);
  const SendResult result = SendNow(Reply(story));
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.error;
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_TRUE(IsEdit(requests[0]));
  EXPECT_TRUE(IsFollowup(requests[1]));
  EXPECT_TRUE(IsFollowup(requests[2]));
  for (int part = 1; part <= 3; ++part) {
    const std::string content = Content(requests[part - 1]);
    EXPECT_LE(utf8::CodePointCount(content), kMaxMessageCharacters);
    EXPECT_EQ(content.rfind("Part " + std::to_string(part) + " begins.", 0), 0u);
  }
  // One paragraph longer than the limit is cut below it too.
  Reset();
  std::string wall;
  while (wall.size() < 5000) wall += "word ";
  EXPECT_EQ(SendNow(Reply(wall)).outcome, SendOutcome::kSent);
}

TEST_F(DiscordSenderTest, PiecesAreCutAt2000CharactersNotBytes) {
  // 2,500 Chinese characters (7,500 bytes): two pieces, the first exactly 2,000 characters.
  std::string story;
  for (int i = 0; i < 2500; ++i) story += "月";
  ASSERT_EQ(SendNow(Reply(story)).outcome, SendOutcome::kSent);
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(utf8::CodePointCount(Content(requests[0])), 2000u);
  EXPECT_EQ(utf8::CodePointCount(Content(requests[1])), 500u);
}

TEST_F(DiscordSenderTest, A429WaitsRetryAfterThenSends) {
  transport_->Push(RateLimited("1.5"));
  const SendResult result = SendNow(Reply("Once upon a time."));
  EXPECT_EQ(result.outcome, SendOutcome::kSent) << result.error;
  ASSERT_EQ(times_.size(), 2u);
  EXPECT_EQ(times_[1] - times_[0], 1500ms);
}

TEST_F(DiscordSenderTest, ASpentBucketWaitsItsResetBeforeTheNextPiece) {
  transport_->Push(FakeTransport::Answer(
      200, "{}", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset-after", "2.25"}}));
  ASSERT_EQ(SendNow(Reply(LongStory())).outcome, SendOutcome::kSent);
  ASSERT_EQ(times_.size(), 3u);
  EXPECT_EQ(times_[1] - times_[0], 2250ms);  // waited for the bucket
  EXPECT_EQ(times_[2] - times_[1], 0ms);     // the bucket had calls left again
}

TEST_F(DiscordSenderTest, AGlobal429HoldsEveryReply) {
  SenderOptions options;
  options.max_wait = 1s;  // the 3 s below is left to the job runner
  Reset(options);
  transport_->Push(RateLimited("3", /*global=*/true));
  const SendResult first = SendNow(Reply("Once upon a time."));
  EXPECT_EQ(first.outcome, SendOutcome::kRetry);
  EXPECT_EQ(first.retry_after_s, 3);
  // Another interaction (another token, another bucket) still waits for the global limit.
  ASSERT_EQ(SendNow(Reply("Another story.", 0, "other-token")).outcome, SendOutcome::kSent);
  ASSERT_EQ(times_.size(), 2u);
  EXPECT_EQ(times_[1] - times_[0], 3000ms);
}

TEST_F(DiscordSenderTest, ALong429IsLeftToTheJobRunner) {
  transport_->Push(RateLimited("90.2"));
  const SendResult result = SendNow(Reply("Once upon a time."));
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(result.retry_after_s, 91);
  EXPECT_EQ(transport_->count(), 1u);
}

TEST_F(DiscordSenderTest, ServerErrorsBackOffThenTheRunnerRetries) {
  transport_->SetDefault(FakeTransport::Answer(502, "bad gateway"));
  const SendResult result = SendNow(Reply("Once upon a time."));
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(result.pieces_sent, 0);
  EXPECT_EQ(result.error, "discord HTTP 502");
  ASSERT_EQ(times_.size(), 3u);
  EXPECT_EQ(times_[1] - times_[0], 500ms);
  EXPECT_EQ(times_[2] - times_[1], 1000ms);

  // A network error then success: sent within the same Send.
  Reset();
  times_.clear();
  transport_->Push(FakeTransport::NetworkError());
  EXPECT_EQ(SendNow(Reply("Once upon a time.")).outcome, SendOutcome::kSent);
  EXPECT_EQ(transport_->count(), 2u);
}

TEST_F(DiscordSenderTest, ClientErrorsGiveUpAtOnce) {
  for (long status : {401L, 403L, 404L}) {
    Reset();
    transport_->Push(
        FakeTransport::Answer(status, R"({"message":"Unknown Webhook","code":10015})"));
    const SendResult result = SendNow(Reply("Once upon a time."));
    EXPECT_EQ(result.outcome, SendOutcome::kPermanent) << status;
    EXPECT_EQ(result.error, "discord HTTP " + std::to_string(status) + ": Unknown Webhook (10015)");
    EXPECT_EQ(result.error.find("secret-token"), std::string::npos);
    EXPECT_EQ(transport_->count(), 1u);
  }
}

TEST_F(DiscordSenderTest, AFailedPieceReportsThePiecesSentAndARetryResumesThere) {
  transport_->Push(FakeTransport::Answer(200, "{}"));  // the edit
  transport_->SetDefault(FakeTransport::Answer(500, ""));
  const SendResult failed = SendNow(Reply(LongStory()));
  EXPECT_EQ(failed.outcome, SendOutcome::kRetry);
  EXPECT_EQ(failed.pieces_sent, 1);

  // The job runner passes the count back: only the follow-ups go out, the edit is not redone.
  Reset();
  const SendResult retried = SendNow(Reply(LongStory(), failed.pieces_sent));
  EXPECT_EQ(retried.outcome, SendOutcome::kSent) << retried.error;
  EXPECT_EQ(retried.pieces_sent, 3);
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(IsFollowup(requests[0]));
  EXPECT_EQ(Content(requests[0]).rfind("Part 2 begins.", 0), 0u);
  EXPECT_EQ(Content(requests[1]).rfind("Part 3 begins.", 0), 0u);

  // Everything already out: nothing is sent.
  Reset();
  EXPECT_EQ(SendNow(Reply(LongStory(), 3)).outcome, SendOutcome::kSent);
  EXPECT_EQ(transport_->count(), 0u);
}

TEST_F(DiscordSenderTest, AReplyIsGivenUpWhenTheTokenHasExpired) {
  const OutboundReply reply = Reply("Once upon a time.");
  clock_.Advance(15min);  // exactly at the end of the token's life
  const SendResult result = SendNow(reply);
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(result.error,
            "interaction token expired: the reply could not be delivered within 15 minutes");
  EXPECT_EQ(transport_->count(), 0u);  // nothing sent with a dead token
}

TEST_F(DiscordSenderTest, RetriesStopWhenTheTokenExpiresMidway) {
  const OutboundReply reply = Reply(LongStory());
  transport_->Push(FakeTransport::Answer(200, "{}"));  // the edit goes out
  // Then Discord is down long enough for the token to run out: each answer takes 8 minutes.
  transport_->SetDefault(FakeTransport::Answer(503, ""));
  transport_->OnRequest([this](const HttpCall& call) {
    if (call.method == "POST") clock_.Advance(8min);
  });
  const SendResult result = SendNow(reply);
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.error.find("interaction token expired"), std::string::npos);
  EXPECT_EQ(result.pieces_sent, 1);
  EXPECT_EQ(transport_->count(), 3u);  // the edit, two follow-ups; no third try past 15 minutes

  // The job runner retrying later (a new attempt, the count kept) gives up without a request.
  Reset();
  EXPECT_EQ(SendNow(OutboundReply(reply)).outcome, SendOutcome::kPermanent);
  EXPECT_EQ(transport_->count(), 0u);
}

TEST_F(DiscordSenderTest, A429LongerThanTheTokensLifeGivesUp) {
  const OutboundReply reply = Reply("Once upon a time.");
  clock_.Advance(14min);
  transport_->Push(RateLimited("90"));  // 90 s > the 60 s left
  const SendResult result = SendNow(reply);
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.error.find("interaction token expired"), std::string::npos);
  EXPECT_EQ(transport_->count(), 1u);
}

TEST_F(DiscordSenderTest, AReplyWithoutAnInteractionIsRefused) {
  OutboundReply reply = Reply("Once upon a time.");
  reply.reply_context = "{}";
  EXPECT_EQ(SendNow(reply).outcome, SendOutcome::kPermanent);
  EXPECT_EQ(transport_->count(), 0u);
}

TEST_F(DiscordSenderTest, SendRunsOnTheSendersThreads) {
  std::promise<SendResult> promise;
  sender_->Send(Reply("Once upon a time."), [&](SendResult r) { promise.set_value(r); });
  auto future = promise.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(future.get().outcome, SendOutcome::kSent);
}

}  // namespace
}  // namespace storybot::discord
