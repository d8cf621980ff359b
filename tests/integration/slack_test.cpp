// The Slack channel over real HTTP: the real binary with a signing secret and a fake Slack Web
// API on loopback that speaks the documented JSON (auth.test, chat.postMessage, response_url).
#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>

#include "channels/slack/signature.h"
#include "tests/integration/fixture.h"
#include "tests/support/fake_http_server.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";

std::string Now() { return std::to_string(std::time(nullptr)); }

class SlackTest : public StorybotTest {
 protected:
  void SetUp() override {
    fake_.On("POST", "/api/auth.test", [](const http::ExchangePtr& ex) {
      ex->Reply(http::JsonResponse(
          200,
          R"({"ok":true,"url":"https://example.slack.com/","team":"Example","user":"storybot",)"
          R"("team_id":"T1","user_id":"UBOT","bot_id":"B1"})"));
    });
    fake_.On("POST", "/api/chat.postMessage", [this](const http::ExchangePtr& ex) {
      {
        std::lock_guard lock(mutex_);
        post_times_.push_back(std::chrono::steady_clock::now());
      }
      if (rate_limited_.fetch_sub(1) > 0) {
        http::Response limited = http::JsonResponse(429, R"({"ok":false,"error":"ratelimited"})");
        limited.Set("Retry-After", "1");
        return ex->Reply(std::move(limited));
      }
      const auto body = boost::json::parse(ex->request().body).as_object();
      if (body.at("channel").as_string() == "CNOTIN") {
        return ex->Reply(http::JsonResponse(200, R"({"ok":false,"error":"not_in_channel"})"));
      }
      ex->Reply(http::JsonResponse(
          200, boost::json::serialize(boost::json::object{
                   {"ok", true}, {"channel", body.at("channel")}, {"ts", "1700000001.000200"}})));
    });
    fake_.On("POST", "/hooks/{id}", [](const http::ExchangePtr& ex) {
      http::Response ok;
      ok.Set("Content-Type", "text/html");
      ok.body = "ok";
      ex->Reply(std::move(ok));
    });
    StartStorybot({{"STORYBOT_SLACK_SIGNING_SECRET", kSecret},
                   {"STORYBOT_SLACK_BOT_TOKEN", "xoxb-test"},
                   {"STORYBOT_SLACK_API_URL", fake_.base_url() + "/api"}});
  }

  HttpResult Signed(const std::string& path, const std::string& body, const std::string& type,
                    const std::string& timestamp, HeaderList extra = {}) {
    extra.emplace_back("Content-Type", type);
    extra.emplace_back("X-Slack-Request-Timestamp", timestamp);
    extra.emplace_back("X-Slack-Signature", slack::ComputeSignature(kSecret, timestamp, body));
    return Fetch("POST", Url(path), extra, body);
  }
  HttpResult Event(const std::string& body, HeaderList extra = {}) {
    return Signed("/slack/events", body, "application/json", Now(), std::move(extra));
  }
  HttpResult Command(const std::string& form) {
    return Signed("/slack/commands", form, "application/x-www-form-urlencoded", Now());
  }

  // The fake's requests to `path`, waiting up to 15 s for at least `count` of them.
  std::vector<RecordedRequest> WaitFor(const std::string& path, std::size_t count) {
    std::vector<RecordedRequest> found;
    test::WaitFor(
        [&] {
          found.clear();
          for (auto& r : fake_.requests()) {
            if (r.path == path) found.push_back(std::move(r));
          }
          return found.size() >= count;
        },
        std::chrono::seconds(15), std::chrono::milliseconds(50));
    return found;
  }
  std::vector<RecordedRequest> Posts(std::size_t count) {
    return WaitFor("/api/chat.postMessage", count);
  }

  boost::json::object Stats() { return Json(Get("/api/stats")).as_object(); }

  static boost::json::object BodyOf(const RecordedRequest& r) {
    return boost::json::parse(r.body).as_object();
  }

  static std::string Mention(const std::string& event_id, const std::string& channel,
                             const std::string& ts, const std::string& text) {
    return R"({"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":")" +
           event_id +
           R"(","event_time":1700000000,"authorizations":[{"team_id":"T1","user_id":"UBOT","is_bot":true}],)"
           R"("event":{"type":"app_mention","user":"U1","text":")" +
           text + R"(","ts":")" + ts + R"(","channel":")" + channel + R"(","event_ts":")" + ts +
           R"("}})";
  }

  std::atomic<int> rate_limited_{0};
  std::mutex mutex_;
  std::vector<std::chrono::steady_clock::time_point> post_times_;
  // Last, so it is destroyed (and its handlers, which use the members above, stopped) first.
  FakeHttpServer fake_;
};

TEST_F(SlackTest, AnswersUrlVerification) {
  auto r = Event(
      R"({"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("challenge").as_string(),
            "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  // auth.test ran at start, with the bot token.
  auto auth = WaitFor("/api/auth.test", 1);
  ASSERT_EQ(auth.size(), 1u);
  EXPECT_EQ(auth[0].Header("Authorization"), "Bearer xoxb-test");
}

TEST_F(SlackTest, MentionGetsAStoryInItsThread) {
  auto r = Event(Mention("Ev1", "C1", "1700000000.000100", "<@UBOT> a story about a brave turtle"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto posts = Posts(1);
  ASSERT_GE(posts.size(), 1u);
  EXPECT_EQ(posts[0].Header("Authorization"), "Bearer xoxb-test");
  EXPECT_FALSE(posts[0].Header("X-Trace-Id").empty());
  const auto body = BodyOf(posts[0]);
  EXPECT_EQ(body.at("channel").as_string(), "C1");
  EXPECT_EQ(body.at("thread_ts").as_string(), "1700000000.000100");
  const std::string story(body.at("text").as_string());
  EXPECT_GT(story.size(), 200u) << story;
  EXPECT_NE(story.find("turtle"), std::string::npos) << story;
  EXPECT_EQ(story.find("<@UBOT>"), std::string::npos);
}

TEST_F(SlackTest, DirectMessageGetsAReply) {
  ASSERT_EQ(WaitFor("/api/auth.test", 1).size(), 1u);
  auto r = Event(
      R"({"type":"event_callback","event_id":"Ev2","team_id":"T1","event":{"type":"message",)"
      R"("channel_type":"im","user":"U1","text":"讲一个关于月亮的故事","ts":"1700000000.000300","channel":"D1"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  // Our own message in the DM (e.g. the reply echoed back) is ignored.
  ASSERT_EQ(
      Event(R"({"type":"event_callback","event_id":"Ev3","event":{"type":"message",)"
            R"("channel_type":"im","user":"UBOT","text":"a story","ts":"1.0","channel":"D1"}})")
          .status,
      200);
  auto posts = Posts(1);
  ASSERT_EQ(posts.size(), 1u);
  const auto body = BodyOf(posts[0]);
  EXPECT_EQ(body.at("channel").as_string(), "D1");
  EXPECT_FALSE(body.contains("thread_ts"));
  EXPECT_NE(std::string(body.at("text").as_string()).find("月"), std::string::npos);
  // Our own message made no job: one job, finished, so no second post can follow.
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
  EXPECT_EQ(Posts(1).size(), 1u);
}

TEST_F(SlackTest, RetriedEventsMakeOneJob) {
  const std::string event = Mention("Ev4", "C1", "1700000000.000400", "<@UBOT> dragons");
  ASSERT_EQ(Event(event).status, 200);
  auto retry = Event(event, {{"X-Slack-Retry-Num", "1"}, {"X-Slack-Retry-Reason", "http_timeout"}});
  ASSERT_EQ(retry.status, 200) << retry.body;
  ASSERT_EQ(Posts(1).size(), 1u);
  ASSERT_EQ(Event(event, {{"X-Slack-Retry-Num", "2"}}).status, 200);
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));  // finished: no more posts
  EXPECT_EQ(Posts(1).size(), 1u);
  const auto jobs = Stats().at("jobs").as_object();
  EXPECT_EQ(jobs.at("done").as_int64() + jobs.at("pending").as_int64(), 1);
}

TEST_F(SlackTest, BadSignaturesAreRefusedAndNothingIsStored) {
  const std::string body = Mention("Ev5", "C1", "1.0", "<@UBOT> dragons");
  auto forged = Fetch("POST", Url("/slack/events"),
                      {{"Content-Type", "application/json"},
                       {"X-Slack-Request-Timestamp", Now()},
                       {"X-Slack-Signature", slack::ComputeSignature("wrong-secret", Now(), body)}},
                      body);
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(ErrorCodeOf(forged), "unauthenticated");
  EXPECT_FALSE(Json(forged).at("trace_id").as_string().empty());
  const std::string stale = std::to_string(std::time(nullptr) - 6 * 60);
  EXPECT_EQ(Signed("/slack/events", body, "application/json", stale).status, 401);
  const std::string ahead = std::to_string(std::time(nullptr) + 6 * 60);
  EXPECT_EQ(Signed("/slack/events", body, "application/json", ahead).status, 401);
  EXPECT_EQ(
      Fetch("POST", Url("/slack/events"), {{"Content-Type", "application/json"}}, body).status,
      401);
  // Signed over other bytes than those sent.
  const std::string ts = Now();
  EXPECT_EQ(Fetch("POST", Url("/slack/events"),
                  {{"Content-Type", "application/json"},
                   {"X-Slack-Request-Timestamp", ts},
                   {"X-Slack-Signature", slack::ComputeSignature(kSecret, ts, body)}},
                  body + " ")
                .status,
            401);
  EXPECT_EQ(
      Fetch("POST", Url("/slack/commands"), {{"Content-Type", "application/x-www-form-urlencoded"}},
            "command=%2Fstory&text=x&channel_id=C1&user_id=U1&trigger_id=1")
          .status,
      401);
  // Signed but malformed, or of the wrong type.
  EXPECT_EQ(Event("{not json").status, 400);
  EXPECT_EQ(Command("text=%zz").status, 400);
  EXPECT_EQ(Command("text=x").status, 400);  // no command, channel, user or trigger
  EXPECT_EQ(Signed("/slack/events", body, "text/plain", Now()).status, 415);

  // Stored before any answer, so no job now means no post ever (checked below).
  EXPECT_EQ(Posts(0).size(), 0u);
  const auto stats = Stats();
  EXPECT_EQ(stats.at("conversations").as_int64(), 0);
  const auto jobs = stats.at("jobs").as_object();
  EXPECT_EQ(
      jobs.at("pending").as_int64() + jobs.at("done").as_int64() + jobs.at("failed").as_int64(), 0);
}

TEST_F(SlackTest, SlashCommandIsAcknowledgedThenAnswered) {
  ASSERT_EQ(Command("ssl_check=1&token=x").status, 200);
  auto ack = Command(
      "token=x&team_id=T1&channel_id=C2&channel_name=general&user_id=U1&user_name=ada"
      "&command=%2Fstory&text=a+lighthouse+keeper&response_url=" +
      std::string("http%3A%2F%2F127.0.0.1%3A") + std::to_string(fake_.port()) +
      "%2Fhooks%2F1&trigger_id=111.222.abc");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.Header("content-type"), "application/json");
  EXPECT_EQ(Json(ack).at("response_type").as_string(), "ephemeral");
  EXPECT_EQ(Json(ack).at("text").as_string(), "Writing your story…");
  auto posts = Posts(1);
  ASSERT_EQ(posts.size(), 1u);
  const auto body = BodyOf(posts[0]);
  EXPECT_EQ(body.at("channel").as_string(), "C2");
  EXPECT_FALSE(body.contains("thread_ts"));
  EXPECT_NE(std::string(body.at("text").as_string()).find("lighthouse"), std::string::npos);
  EXPECT_TRUE(WaitFor("/hooks/1", 0).empty());

  auto chinese = Command(
      "channel_id=C3&user_id=U1&command=%2Fstory&text=%E6%9C%88%E4%BA%AE%E7%9A%84%E6%95%85%E4%BA%"
      "8B&trigger_id=333");
  ASSERT_EQ(chinese.status, 200);
  EXPECT_EQ(Json(chinese).at("text").as_string(), "正在为你写故事……");

  auto help = Command("channel_id=C4&user_id=U1&command=%2Fstory&text=help&trigger_id=444");
  ASSERT_EQ(help.status, 200);
  EXPECT_EQ(Json(help).at("response_type").as_string(), "ephemeral");
  EXPECT_NE(std::string(Json(help).at("text").as_string()).find("/story continue"),
            std::string::npos);
  ASSERT_EQ(Posts(2).size(), 2u);  // the Chinese story; help makes no job
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 2);
  EXPECT_EQ(Posts(2).size(), 2u);
}

TEST_F(SlackTest, SlashCommandWhereTheBotIsNotAMemberUsesResponseUrl) {
  auto ack = Command("channel_id=CNOTIN&user_id=U1&command=%2Fstory&text=owls&response_url=" +
                     std::string("http%3A%2F%2F127.0.0.1%3A") + std::to_string(fake_.port()) +
                     "%2Fhooks%2F7&trigger_id=555");
  ASSERT_EQ(ack.status, 200);
  auto hooks = WaitFor("/hooks/7", 1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_TRUE(hooks[0].Header("Authorization").empty());
  const auto body = BodyOf(hooks[0]);
  EXPECT_EQ(body.at("response_type").as_string(), "in_channel");
  EXPECT_NE(std::string(body.at("text").as_string()).find("owl"), std::string::npos);
}

TEST_F(SlackTest, RateLimitIsRetriedAfterRetryAfter) {
  rate_limited_ = 1;
  ASSERT_EQ(Event(Mention("Ev6", "C1", "1700000000.000600", "<@UBOT> foxes")).status, 200);
  auto posts = Posts(2);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(BodyOf(posts[1]).at("text"), BodyOf(posts[0]).at("text"));
  std::lock_guard lock(mutex_);
  ASSERT_EQ(post_times_.size(), 2u);
  EXPECT_GE(post_times_[1] - post_times_[0], std::chrono::milliseconds(900));
}

// Slack wants every request acknowledged within 3 seconds, and an LLM may take longer than that:
// with an LLM that answers after 3 s, the 200 must come back before the LLM could have answered
// (the story is written after the acknowledgement, not before it).
class SlackSlowLlmTest : public StorybotTest {
 protected:
  static constexpr auto kLlmDelay = std::chrono::seconds(3);
  static constexpr const char* kStory = "Once upon a time, a slow LLM wrote this story.";

  void SetUp() override {
    llm_.On("POST", "/v1/chat/completions", [this](const http::ExchangePtr& ex) {
      {
        std::lock_guard lock(mutex_);
        llm_calls_.push_back(std::chrono::steady_clock::now());
      }
      llm_.ReplyAfter(
          ex, kLlmDelay,
          http::JsonResponse(
              200, boost::json::serialize(boost::json::object{
                       {"id", "chatcmpl-slow"},
                       {"object", "chat.completion"},
                       {"choices", boost::json::array{
                                       {{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", kStory}}},
                                        {"finish_reason", "stop"}}}}})));
    });
    slack_.On("POST", "/api/auth.test", [](const http::ExchangePtr& ex) {
      ex->Reply(http::JsonResponse(200, R"({"ok":true,"team_id":"T1","user_id":"UBOT"})"));
    });
    slack_.On("POST", "/api/chat.postMessage", [this](const http::ExchangePtr& ex) {
      {
        std::lock_guard lock(mutex_);
        posts_.push_back(std::chrono::steady_clock::now());
      }
      ex->Reply(http::JsonResponse(200, R"({"ok":true,"channel":"C1","ts":"1700000001.000200"})"));
    });
    StartStorybot({{"STORYBOT_SLACK_SIGNING_SECRET", kSecret},
                   {"STORYBOT_SLACK_BOT_TOKEN", "xoxb-test"},
                   {"STORYBOT_SLACK_API_URL", slack_.base_url() + "/api"},
                   {"STORYBOT_LLM_BASE_URL", llm_.base_url() + "/v1"},
                   {"STORYBOT_LLM_MODEL", "slow-model"},
                   {"STORYBOT_LLM_MAX_RETRIES", "0"}});
  }

  // POSTs a signed request with a timeout under Slack's 3 s: a late acknowledgement is status 0.
  HttpResult Signed(const std::string& path, const std::string& body, const std::string& type) {
    const std::string ts = Now();
    return Fetch("POST", Url(path),
                 {{"Content-Type", type},
                  {"X-Slack-Request-Timestamp", ts},
                  {"X-Slack-Signature", slack::ComputeSignature(kSecret, ts, body)}},
                 body, 2500);
  }

  // The acknowledgement came before the LLM could have answered: it had not been called yet, or
  // it was called less than kLlmDelay ago. Then the story (the LLM's, posted after the LLM's
  // delay) arrives: the slow path really ran.
  void ExpectAcknowledgedBeforeTheLlmAnswered(const HttpResult& ack) {
    const auto acked = std::chrono::steady_clock::now();
    ASSERT_EQ(ack.status, 200) << "no acknowledgement within 2.5 s: " << ack.error << ack.body;
    {
      std::lock_guard lock(mutex_);
      if (!llm_calls_.empty()) {
        EXPECT_LT(acked, llm_calls_.front() + kLlmDelay) << "acknowledged after the LLM answered";
      }
    }
    ASSERT_TRUE(WaitForPost());
    const auto posts = slack_.requests();
    std::string text;
    for (const auto& r : posts) {
      if (r.path == "/api/chat.postMessage") {
        text = boost::json::parse(r.body).at("text").as_string();
      }
    }
    EXPECT_EQ(text, kStory) << "the story must be the slow LLM's, not a fallback";
    std::lock_guard lock(mutex_);
    ASSERT_EQ(llm_calls_.size(), 1u);
    EXPECT_GE(posts_.front(), llm_calls_.front() + kLlmDelay);
    EXPECT_LT(acked, posts_.front());
  }

  bool WaitForPost() {
    return test::WaitFor(
        [&] {
          std::lock_guard lock(mutex_);
          return !posts_.empty();
        },
        std::chrono::seconds(15), std::chrono::milliseconds(50));
  }

  std::mutex mutex_;
  std::vector<std::chrono::steady_clock::time_point> llm_calls_;
  std::vector<std::chrono::steady_clock::time_point> posts_;
  // Last, so they are destroyed (and their handlers, which use the members above, stopped) first.
  FakeHttpServer llm_;
  FakeHttpServer slack_;
};

TEST_F(SlackSlowLlmTest, SlashCommandIsAcknowledgedBeforeTheLlmAnswers) {
  ExpectAcknowledgedBeforeTheLlmAnswered(
      Signed("/slack/commands",
             "channel_id=C2&user_id=U1&command=%2Fstory&text=a+lighthouse+keeper&trigger_id=1",
             "application/x-www-form-urlencoded"));
}

TEST_F(SlackSlowLlmTest, EventIsAcknowledgedBeforeTheLlmAnswers) {
  ExpectAcknowledgedBeforeTheLlmAnswered(Signed(
      "/slack/events",
      R"({"type":"event_callback","event_id":"EvSlow","team_id":"T1","event":{"type":"app_mention",)"
      R"("user":"U1","text":"<@UBOT> a story about owls","ts":"1700000000.000900","channel":"C1"}})",
      "application/json"));
}

}  // namespace
}  // namespace storybot::test
