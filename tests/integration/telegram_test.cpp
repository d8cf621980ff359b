// The Telegram channel end to end: the real binary, a fake Bot API on loopback.
#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "tests/integration/fixture.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/fake_telegram_api.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "webhook-secret_123";

std::string Update(std::int64_t id, std::int64_t chat, const std::string& text,
                   const std::string& name = "Ada", const std::string& language = "en") {
  return PrivateMessageUpdate(id, chat, text, name, language);
}

class TelegramWebhookTest : public StorybotTest {
 protected:
  void SetUp() override {
    StartStorybot({{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                   {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                   {"STORYBOT_TELEGRAM_API_URL", api_.base_url()}});
  }
  HttpResult Deliver(const std::string& body, const std::string& secret = kSecret) {
    return Fetch(
        "POST", Url("/telegram/webhook"),
        {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", secret}}, body);
  }
  FakeTelegramApi api_;
};

TEST_F(TelegramWebhookTest, AStoryComesBackForATextMessage) {
  auto r = Deliver(Update(1, 1001, "a story about dragons"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(api_.WaitForSent(1));
  const auto sent = api_.SentTo("1001");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("Ada"), std::string::npos) << sent[0].text;
  EXPECT_NE(sent[0].text.find("dragons"), std::string::npos) << sent[0].text;
  EXPECT_GE(api_.calls("sendChatAction"), 1);  // "typing…" while writing
}

TEST_F(TelegramWebhookTest, CommandsAnswerInTheUsersLanguage) {
  ASSERT_EQ(Deliver(Update(1, 2002, "/start", "小明", "zh-hans")).status, 200);
  ASSERT_EQ(Deliver(Update(2, 2002, "/story 月亮", "小明", "zh-hans")).status, 200);
  ASSERT_EQ(Deliver(Update(3, 2002, "/continue", "小明", "zh-hans")).status, 200);
  ASSERT_TRUE(api_.WaitForSent(3));
  const auto sent = api_.SentTo("2002");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_NE(sent[0].text.find("小明"), std::string::npos);  // greeting, in order
  EXPECT_NE(sent[1].text.find("月亮"), std::string::npos);
  EXPECT_NE(sent[2].text.find("第二章"), std::string::npos) << sent[2].text;
}

TEST_F(TelegramWebhookTest, RedeliveredUpdatesAreAnsweredOnce) {
  const std::string update = Update(42, 3003, "owls");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Deliver(update).status, 200);
  ASSERT_TRUE(api_.WaitForSent(1));
  // One job for the three deliveries, and it is finished: no second answer can follow.
  ASSERT_TRUE(WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
  EXPECT_EQ(api_.SentTo("3003").size(), 1u);
}

TEST_F(TelegramWebhookTest, WrongOrMissingSecretIsRefusedAndNothingStored) {
  EXPECT_EQ(Deliver(Update(5, 4004, "x"), "wrong").status, 401);
  EXPECT_EQ(Fetch("POST", Url("/telegram/webhook"), {{"Content-Type", "application/json"}},
                  Update(6, 4004, "x"))
                .status,
            401);
  // Stored before any answer: no job now means nothing will ever be sent.
  EXPECT_EQ(JobsIn("pending") + JobsIn("done") + JobsIn("failed"), 0);
  EXPECT_TRUE(api_.SentTo("4004").empty());
}

TEST_F(TelegramWebhookTest, MalformedJsonIs400AndIgnoredKinds200) {
  auto bad = Deliver("{\"update_id\": ");
  EXPECT_EQ(bad.status, 400);
  auto edited = Deliver(
      R"({"update_id": 9, "edited_message": {"message_id": 1, "chat": {"id": 5, "type": "private"}, "text": "x"}})");
  EXPECT_EQ(edited.status, 200);
  EXPECT_EQ(JobsIn("pending") + JobsIn("done") + JobsIn("failed"), 0);  // nothing to send, ever
  EXPECT_TRUE(api_.sent().empty());
}

TEST_F(TelegramWebhookTest, RateLimitedSendsWaitAndBlockedUsersAreNotRetried) {
  api_.Fail(
      "sendMessage", 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})");
  ASSERT_EQ(Deliver(Update(1, 5005, "bees")).status, 200);
  ASSERT_TRUE(api_.WaitForSent(1));
  EXPECT_EQ(api_.calls("sendMessage"), 2);

  api_.Fail(
      "sendMessage", 1, 403,
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  ASSERT_EQ(Deliver(Update(2, 6006, "bees")).status, 200);
  WaitFor([&] { return JobsIn("failed") != 0; }, std::chrono::seconds(5));
  EXPECT_EQ(Json(Get("/api/stats")).at("jobs").at("failed").as_int64(), 1);
  EXPECT_EQ(api_.calls("sendMessage"), 3);  // no retry after the 403
}

TEST_F(TelegramWebhookTest, TheTokenAndSecretNeverReachTheLog) {
  ASSERT_EQ(Deliver(Update(1, 7007, "/help")).status, 200);
  ASSERT_TRUE(api_.WaitForSent(1));
  EXPECT_EQ(process_->Stop(SIGTERM), 0);
  std::ifstream log(dir_.path() + "/logs/storybot.ndjson");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("TEST-token"), std::string::npos);
  EXPECT_EQ(text.find(kSecret), std::string::npos);
  EXPECT_NE(text.find("message_received"), std::string::npos);
}

// ---- A long reply goes out in pieces; a retry sends only the pieces not yet out ----

// A story of three paragraphs of about 3,000 characters each: three sendMessage pieces.
std::string LongStory() {
  std::string story;
  for (int part = 1; part <= 3; ++part) {
    std::string paragraph = "Part " + std::to_string(part) + " begins.";
    while (paragraph.size() < 3000) paragraph += " The owls kept flying over the sleeping town.";
    story += (story.empty() ? "" : "\n\n") + paragraph;
  }
  return story;
}

class TelegramSplitReplyTest : public StorybotTest {
 protected:
  void SetUp() override {
    llm_.On("POST", "/v1/chat/completions", [](const http::ExchangePtr& ex) {
      boost::json::object completion{
          {"id", "chatcmpl-1"},
          {"object", "chat.completion"},
          {"choices",
           boost::json::array{{{"index", 0},
                               {"message", {{"role", "assistant"}, {"content", LongStory()}}},
                               {"finish_reason", "stop"}}}},
          {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 900}, {"total_tokens", 910}}}};
      ex->Reply(http::JsonResponse(200, boost::json::serialize(completion)));
    });
    Start();
  }
  void Start() {
    StartStorybot({{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                   {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                   {"STORYBOT_TELEGRAM_API_URL", api_.base_url()},
                   {"STORYBOT_LLM_BASE_URL", llm_.base_url() + "/v1"},
                   {"STORYBOT_LLM_API_KEY", "sk-test"},
                   {"STORYBOT_LLM_MODEL", "story-model"}});
  }
  HttpResult Deliver(const std::string& body) {
    return Fetch(
        "POST", Url("/telegram/webhook"),
        {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", kSecret}}, body);
  }
  // Each part of the story reached the chat exactly once, in order.
  void ExpectEachPartOnce(const std::string& chat) {
    const auto sent = api_.SentTo(chat);
    ASSERT_EQ(sent.size(), 3u);
    for (std::size_t i = 0; i < sent.size(); ++i) {
      for (std::size_t part = 1; part <= 3; ++part) {
        const bool has =
            sent[i].text.find("Part " + std::to_string(part) + " begins.") != std::string::npos;
        EXPECT_EQ(has, part == i + 1) << "message " << i << ": " << sent[i].text.substr(0, 60);
      }
    }
  }
  FakeHttpServer llm_;
  FakeTelegramApi api_;
};

TEST_F(TelegramSplitReplyTest, AFailedLaterPieceIsRetriedAloneNotFromTheFirst) {
  // The second piece fails every try of one send (3 x 500); the runner's retry goes on from it.
  api_.FailAfter("sendMessage", 1, 3, 500,
                 R"({"ok":false,"error_code":500,"description":"Internal Server Error"})");
  ASSERT_EQ(Deliver(Update(1, 9009, "a long story about owls")).status, 200);
  ASSERT_TRUE(api_.WaitForSent(3, std::chrono::seconds(30)));
  // The job is finished: a repeat could only come from a pending one.
  ASSERT_TRUE(WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
  ExpectEachPartOnce("9009");
  EXPECT_EQ(api_.calls("sendMessage"), 6);  // 1 + 3 failed + 2
}

TEST_F(TelegramSplitReplyTest, AfterARestartTheReplyResumesAtThePieceThatFailed) {
  // The second piece is refused with a long retry_after: the retry waits past a restart.
  api_.FailAfter(
      "sendMessage", 1, 1, 429,
      R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 120","parameters":{"retry_after":120}})");
  ASSERT_EQ(Deliver(Update(1, 9010, "a long story about owls")).status, 200);
  WaitFor([&] { return api_.calls("sendMessage") >= 2; }, std::chrono::seconds(10));
  ASSERT_EQ(api_.calls("sendMessage"), 2);
  ASSERT_EQ(api_.SentTo("9010").size(), 1u);
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  Start();
  ASSERT_TRUE(api_.WaitForSent(3, std::chrono::seconds(30)));
  ASSERT_TRUE(WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
  ExpectEachPartOnce("9010");
}

TEST(TelegramPollingTest, PollsConfirmsOffsetsAndAnswers) {
  FakeTelegramApi api;
  api.QueueUpdate(Update(500, 8008, "a story about the sea"));
  api.QueueUpdate(Update(501, 8008, "/help"));
  TempDir dir;
  StorybotProcess process(dir.path(), {{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                                       {"STORYBOT_TELEGRAM_MODE", "polling"},
                                       {"STORYBOT_TELEGRAM_API_URL", api.base_url()}});
  ASSERT_TRUE(process.Start());
  ASSERT_TRUE(api.WaitForSent(2));
  const auto sent = api.SentTo("8008");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[0].text.find("sea"), std::string::npos);
  WaitFor([&] { return api.last_offset() == 502; }, std::chrono::seconds(5));
  EXPECT_EQ(api.last_offset(), 502);  // confirmed after the batch was stored
  EXPECT_EQ(Fetch("POST", process.base_url() + "/telegram/webhook", {}, "{}").status, 404);
  EXPECT_EQ(process.Stop(SIGTERM), 0);  // the long poll does not hold up the exit
}

TEST(TelegramPollingTest, AWebhookLeftSetIsDeletedAndPollingAnswers) {
  FakeTelegramApi api;
  api.Fail(
      "getUpdates", 1, 409,
      R"({"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})");
  api.QueueUpdate(Update(700, 9009, "a story about foxes"));
  TempDir dir;
  StorybotProcess process(dir.path(), {{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                                       {"STORYBOT_TELEGRAM_MODE", "polling"},
                                       {"STORYBOT_TELEGRAM_API_URL", api.base_url()}});
  ASSERT_TRUE(process.Start());
  ASSERT_TRUE(api.WaitForSent(1));
  EXPECT_EQ(api.calls("deleteWebhook"), 1);
  EXPECT_EQ(Fetch("GET", process.base_url() + "/readyz").status, 200);
  EXPECT_EQ(process.Stop(SIGTERM), 0);
  std::ifstream log(dir.path() + "/logs/storybot.ndjson");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Telegram webhook removed (deleteWebhook)"), std::string::npos);
}

TEST(TelegramPollingTest, AnotherPollerMakesReadyz503NamingTelegramAndWhy) {
  FakeTelegramApi api;
  api.Fail(
      "getUpdates", 1000000, 409,
      R"({"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})");
  TempDir dir;
  StorybotProcess process(dir.path(), {{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                                       {"STORYBOT_TELEGRAM_MODE", "polling"},
                                       {"STORYBOT_TELEGRAM_API_URL", api.base_url()}});
  ASSERT_TRUE(process.Start());
  HttpResult ready;
  WaitFor(
      [&] {
        ready = Fetch("GET", process.base_url() + "/readyz");
        return ready.status == 503;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(50));
  ASSERT_EQ(ready.status, 503) << ready.body;
  const auto body = boost::json::parse(ready.body);
  EXPECT_EQ(body.at("checks").at("telegram").as_string(), "failing");
  EXPECT_EQ(body.at("checks").at("database").as_string(), "ok");
  const std::string why(body.at("problems").at("telegram").as_string());
  EXPECT_NE(why.find("another getUpdates poller"), std::string::npos) << why;
  EXPECT_EQ(api.calls("deleteWebhook"), 0);
  EXPECT_EQ(process.Stop(SIGTERM), 0);  // the backoff wait does not hold up the exit
}

}  // namespace
}  // namespace storybot::test
