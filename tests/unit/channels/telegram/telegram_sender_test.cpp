// Telegram's reply rules through the fake transport (tests/support/fake_transport.h) on a fake
// clock (tests/support/fake_clock.h): 429 waits retry_after, 5xx backs off 0.5 s then 1 s, 403
// gives up at once, and pacing keeps 1 s between messages to one chat and 1/30 s between any two.
// The times checked are the fake clock's at each request, so no test waits for them.
#include "channels/telegram/telegram_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <optional>
#include <thread>

#include "tests/support/fake_clock.h"
#include "tests/support/fake_transport.h"
#include "tests/support/wait_for.h"

namespace storybot::telegram {
namespace {

using test::WaitFor;

using namespace std::chrono_literals;
using test::FakeClock;
using test::FakeTransport;

constexpr const char* kOk = R"({"ok":true,"result":{"message_id":1}})";

// A FakeClock that also says until when the sender is waiting, so a test advances exactly to
// the wake-up the code asked for (and checks it) instead of guessing when the thread got there.
class WatchedClock final : public Clock {
 public:
  SteadyTime SteadyNow() const override { return fake_.SteadyNow(); }
  WallTime WallNow() const override { return fake_.WallNow(); }
  void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                 SteadyTime until) override {
    wake_ = until.time_since_epoch().count();
    fake_.WaitUntil(cv, lock, until);
  }
  void SleepFor(std::chrono::milliseconds duration) override { fake_.SleepFor(duration); }

  // Waits (bounded, real time) until some thread waits for a time still ahead, moves the clock
  // there, and returns that time. Empty when nothing waits within 5 s.
  std::optional<SteadyTime> AdvanceToNextWake() {
    const auto next = [this] { return SteadyTime{SteadyTime::duration(wake_.load())}; };
    if (!WaitFor([&] { return next() > SteadyNow(); }, 5s, 1ms)) return std::nullopt;
    const SteadyTime wake = next();
    fake_.Advance(std::chrono::ceil<std::chrono::milliseconds>(wake - SteadyNow()));
    return wake;
  }

 private:
  FakeClock fake_;
  std::atomic<SteadyTime::rep> wake_{0};
};

class TelegramSenderTest : public ::testing::Test {
 protected:
  TelegramSenderTest() {
    // The fake clock's time of every request, in order.
    transport_.OnRequest([this](const HttpCall&) {
      std::lock_guard lock(mutex_);
      times_.push_back(clock_.SteadyNow() - start_);
    });
    transport_.SetDefault(FakeTransport::Answer(200, kOk));
  }

  std::unique_ptr<TelegramSender> MakeSender(SenderOptions options = {}) {
    return std::make_unique<TelegramSender>(api_, *logger_, options, clock_);
  }

  // Sends on the sender's pool; the future holds the result.
  std::future<SendResult> Send(TelegramSender& sender, std::string chat, std::string text) {
    auto promise = std::make_shared<std::promise<SendResult>>();
    OutboundReply reply;
    reply.chat_id = std::move(chat);
    reply.text = std::move(text);
    sender.Send(reply, [promise](SendResult r) { promise->set_value(std::move(r)); });
    return promise->get_future();
  }

  // Bounded real wait for the sender's thread to reach the n-th request (not a time rule).
  bool WaitForRequests(std::size_t n) {
    return WaitFor([&] { return transport_.count() >= n; }, 5s, 1ms);
  }

  std::vector<Clock::SteadyTime::duration> Times() {
    std::lock_guard lock(mutex_);
    return times_;
  }

  static std::string Text(const HttpCall& call) {
    return std::string(boost::json::parse(call.body).as_object().at("text").as_string());
  }

  // The fake time of the next wake-up, from the start of the test.
  std::chrono::nanoseconds NextWake() {
    const auto wake = clock_.AdvanceToNextWake();
    return wake ? *wake - start_ : std::chrono::nanoseconds(-1);
  }

  WatchedClock clock_;
  const Clock::SteadyTime start_ = clock_.SteadyNow();
  FakeTransport transport_;
  BotApi api_{"http://telegram.test/", "123:SECRET", transport_};
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  std::mutex mutex_;
  std::vector<Clock::SteadyTime::duration> times_;
};

TEST_F(TelegramSenderTest, TooManyRequestsWaitsTheRetryAfterTheServerAsked) {
  transport_.Push(FakeTransport::Answer(
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5",
               "parameters":{"retry_after":5}})"));
  auto sender = MakeSender();
  auto result = Send(*sender, "42", "Once upon a time.");
  EXPECT_EQ(NextWake(), 5000ms);
  EXPECT_EQ(result.get().outcome, SendOutcome::kSent);
  const auto times = Times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[0], 0ms);
  EXPECT_EQ(times[1], 5000ms);  // not earlier: the retry waited the whole retry_after
}

TEST_F(TelegramSenderTest, LongRetryAfterHandsTheWaitToTheJobRunner) {
  transport_.Push(FakeTransport::Answer(
      429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":120}})"));
  auto sender = MakeSender();
  const SendResult result = Send(*sender, "42", "Once upon a time.").get();
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(result.retry_after_s, 120);
  EXPECT_EQ(transport_.count(), 1u);  // no worker held for two minutes
}

TEST_F(TelegramSenderTest, ServerErrorsBackOffHalfASecondThenASecond) {
  transport_.Push(FakeTransport::Answer(502, R"({"ok":false,"description":"Bad Gateway"})"));
  transport_.Push(FakeTransport::NetworkError());
  SenderOptions options;
  options.per_chat_interval = 0ms;  // the backoff alone decides the times here
  auto sender = MakeSender(options);
  auto result = Send(*sender, "42", "Once upon a time.");
  EXPECT_EQ(NextWake(), 500ms);
  EXPECT_EQ(NextWake(), 1500ms);
  EXPECT_EQ(result.get().outcome, SendOutcome::kSent);
  const auto times = Times();
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(times[1], 500ms);
  EXPECT_EQ(times[2], 1500ms);
}

TEST_F(TelegramSenderTest, ServerErrorsOnEveryAttemptLeaveTheRetryToTheJobRunner) {
  transport_.SetDefault(FakeTransport::Answer(500, R"({"ok":false,"description":"oops"})"));
  SenderOptions options;
  options.per_chat_interval = 0ms;
  auto sender = MakeSender(options);
  auto result = Send(*sender, "42", "Once upon a time.");
  EXPECT_EQ(NextWake(), 500ms);
  EXPECT_EQ(NextWake(), 1500ms);
  const SendResult r = result.get();
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(r.pieces_sent, 0);
  EXPECT_EQ(transport_.count(), 3u);  // attempts_per_send
  EXPECT_NE(r.error.find("500"), std::string::npos);
}

TEST_F(TelegramSenderTest, ForbiddenGivesUpAtOnce) {
  transport_.Push(FakeTransport::Answer(
      403,
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"));
  auto sender = MakeSender();
  const SendResult result = Send(*sender, "42", "Once upon a time.").get();
  EXPECT_EQ(result.outcome, SendOutcome::kPermanent);
  EXPECT_NE(result.error.find("blocked by the user"), std::string::npos);
  EXPECT_EQ(transport_.count(), 1u);
  EXPECT_EQ(result.error.find("SECRET"), std::string::npos);
}

TEST_F(TelegramSenderTest, PiecesToOneChatGoOneSecondApart) {
  const std::string paragraph(3000, 'a');
  auto sender = MakeSender();
  auto result = Send(*sender, "42", paragraph + "\n\n" + std::string(3000, 'b'));
  EXPECT_EQ(NextWake(), 1000ms);
  EXPECT_EQ(result.get().outcome, SendOutcome::kSent);
  const auto times = Times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[1], 1000ms);
  const auto requests = transport_.requests();
  EXPECT_EQ(Text(requests[0])[0], 'a');
  EXPECT_EQ(Text(requests[1])[0], 'b');
}

TEST_F(TelegramSenderTest, StopWakesASleepingSend) {
  transport_.Push(FakeTransport::Answer(429, R"({"ok":false,"parameters":{"retry_after":30}})"));
  auto sender = MakeSender();
  auto result = Send(*sender, "42", "Once upon a time.");
  ASSERT_TRUE(WaitForRequests(1));
  sender->Stop();  // the fake clock never reaches the retry
  const SendResult r = result.get();
  EXPECT_EQ(r.outcome, SendOutcome::kRetry);
  EXPECT_EQ(transport_.count(), 1u);
}

TEST(TelegramPacer, OneMessagePerSecondPerChatAndThirtyPerSecondOverall) {
  FakeClock clock;
  const auto t0 = clock.SteadyNow();
  Pacer pacer(SenderOptions{}, clock);
  // 31 chats at the same instant: 1/30 s apart, the 31st a whole second after the first.
  for (int k = 0; k < 31; ++k) {
    EXPECT_EQ(pacer.Reserve("chat" + std::to_string(k)) - t0, std::chrono::microseconds(33333 * k))
        << k;
  }
  // chat0 again: its own 1 s has passed by then, but the global queue is further out.
  EXPECT_EQ(pacer.Reserve("chat0") - t0, std::chrono::microseconds(33333 * 31));
  // Idle time is not banked: after a quiet minute a message goes at once, the next to the same
  // chat one second later.
  clock.Advance(std::chrono::minutes(1));
  const auto t1 = clock.SteadyNow();
  EXPECT_EQ(pacer.Reserve("quiet"), t1);
  EXPECT_EQ(pacer.Reserve("other") - t1, std::chrono::microseconds(33333));
  EXPECT_EQ(pacer.Reserve("quiet") - t1, 1000ms);
}

}  // namespace
}  // namespace storybot::telegram
