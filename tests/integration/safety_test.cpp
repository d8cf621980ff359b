// Safety and limits through the real binary: quotas that survive a restart, the daily token
// budget, moderation of requests and stories with a fake OpenAI-compatible moderation server on
// 127.0.0.1 (flagging, failing with 500, timing out), flood control, and the admin API's bad
// input. Window expiry is proven on a fake clock in tests/unit/core/safety/.
#include <boost/json.hpp>
#include <fstream>
#include <mutex>

#include "tests/integration/fake_llm_fixture.h"
#include "tests/support/fake_telegram_api.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "safety-secret_1";

// A chat completion with `story` as its text and 40 + 11 tokens of usage.
std::string Completion(const std::string& story) {
  boost::json::object message{{"role", "assistant"}, {"content", story}};
  boost::json::object choice{{"index", 0}, {"message", message}, {"finish_reason", "stop"}};
  boost::json::object body{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"choices", boost::json::array{choice}},
      {"usage", {{"prompt_tokens", 40}, {"completion_tokens", 11}, {"total_tokens", 51}}}};
  return boost::json::serialize(body);
}

// The documented moderation answer.
std::string ModerationAnswer(bool flagged) {
  const std::string f = flagged ? "true" : "false";
  return R"({"id":"modr-1","model":"omni-moderation-latest","results":[{"flagged":)" + f +
         R"(,"categories":{"violence":)" + f +
         R"(,"sexual":false},"category_scores":{"violence":)" + (flagged ? "0.97" : "0.01") +
         R"(,"sexual":0.0}}]})";
}

class SafetyTest : public StorybotTest {
 protected:
  void SetUp() override {
    llm_.On("POST", "/v1/chat/completions", [this](const http::ExchangePtr& ex) {
      std::string story = "A gentle story about a sleepy owl.";
      {
        std::lock_guard lock(mutex_);
        if (!stories_.empty()) {
          story = stories_.front();
          stories_.erase(stories_.begin());
        }
      }
      ex->Reply(http::JsonResponse(200, Completion(story)));
    });
    // Flags any input holding "flag-me"; otherwise answers as `moderation_` says.
    llm_.On("POST", "/v1/moderations", [this](const http::ExchangePtr& ex) {
      const auto input = boost::json::parse(ex->request().body).at("input").as_string();
      std::string mode;
      {
        std::lock_guard lock(mutex_);
        mode = moderation_;
      }
      if (mode == "500") return ex->Reply(http::JsonResponse(500, R"({"error":"overloaded"})"));
      if (mode == "slow") {
        return llm_.ReplyAfter(ex, std::chrono::seconds(4),
                               http::JsonResponse(200, ModerationAnswer(false)));
      }
      ex->Reply(http::JsonResponse(
          200, ModerationAnswer(std::string_view(input).find("flag-me") != std::string::npos)));
    });
  }

  std::map<std::string, std::string> Env(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                                           {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                                           {"STORYBOT_TELEGRAM_API_URL", telegram_.base_url()}};
    env.merge(extra);
    return env;
  }
  std::map<std::string, std::string> LlmEnv(std::map<std::string, std::string> extra = {}) {
    extra.merge(std::map<std::string, std::string>{
        {"STORYBOT_LLM_BASE_URL", llm_.base_url() + "/v1"}, {"STORYBOT_LLM_MAX_RETRIES", "0"}});
    return Env(std::move(extra));
  }
  HttpResult Deliver(std::int64_t id, std::int64_t chat, const std::string& text) {
    return Fetch(
        "POST", Url("/telegram/webhook"),
        {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", kSecret}},
        PrivateMessageUpdate(id, chat, text, "Ada", "en"));
  }
  // Delivers and waits until every job is finished; returns what chat `chat` was sent.
  std::vector<SentMessage> Answered(std::int64_t chat) {
    EXPECT_TRUE(WaitFor([&] { return JobsIn("pending") == 0; }));
    return telegram_.SentTo(std::to_string(chat));
  }
  std::string Preview(const std::string& request = "owls") {
    auto r = Post("/api/stories/preview", R"({"request": ")" + request + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(Json(r).at("engine").as_string());
  }
  std::size_t Calls(const std::string& path) {
    std::size_t n = 0;
    for (const auto& r : llm_.requests()) n += r.path == path ? 1 : 0;
    return n;
  }
  // "ok" (flag inputs holding "flag-me"), "500" or "slow" (answers after 4 s).
  void SetModeration(std::string mode) {
    std::lock_guard lock(mutex_);
    moderation_ = std::move(mode);
  }
  std::string Metrics() { return Fetch("GET", Url("/metrics")).body; }
  std::vector<boost::json::object> LogLines() {
    std::vector<boost::json::object> lines;
    std::ifstream log(dir_.path() + "/logs/storybot.ndjson");
    for (std::string line; std::getline(log, line);) {
      lines.push_back(boost::json::parse(line).as_object());
    }
    return lines;
  }

  // Declared before the fakes, so that their handlers never outlive what they read.
  std::mutex mutex_;
  std::vector<std::string> stories_;
  std::string moderation_ = "ok";
  FakeTelegramApi telegram_;
  FakeHttpServer llm_;
};

TEST_F(SafetyTest, OverTheHourlyLimitTheReaderIsToldWhenAndARestartKeepsTheCount) {
  StartStorybot(Env({{"STORYBOT_LIMIT_USER_PER_HOUR", "2"}}));
  ASSERT_EQ(Deliver(1, 1001, "a story about owls").status, 200);
  ASSERT_EQ(Deliver(2, 1001, "/continue").status, 200);
  ASSERT_EQ(Deliver(3, 1001, "a story about foxes").status, 200);
  ASSERT_EQ(Deliver(4, 1001, "/help").status, 200);  // never limited
  auto sent = Answered(1001);
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_NE(sent[0].text.find("owls"), std::string::npos);
  EXPECT_NE(sent[2].text.find("You have had lots of stories already!"), std::string::npos)
      << sent[2].text;
  EXPECT_NE(sent[2].text.find("minutes."), std::string::npos) << sent[2].text;
  EXPECT_NE(sent[3].text.find("/story"), std::string::npos);  // the help text
  EXPECT_NE(Metrics().find(R"(storybot_limit_rejections_total{kind="user_hour"} 1)"),
            std::string::npos);

  // The counts are on disk: after a restart the reader is still over the limit.
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  StartStorybot(Env({{"STORYBOT_LIMIT_USER_PER_HOUR", "2"}}));
  ASSERT_EQ(Deliver(5, 1001, "a story about bears").status, 200);
  sent = Answered(1001);
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_NE(sent[4].text.find("You have had lots of stories already!"), std::string::npos);
  // Another reader is not affected.
  ASSERT_EQ(Deliver(6, 1002, "a story about bears").status, 200);
  ASSERT_EQ(Answered(1002).size(), 1u);
  EXPECT_NE(Answered(1002)[0].text.find("bears"), std::string::npos);

  // An admin lifts the limit: it applies at once, no restart.
  auto put = Put("/api/safety/limits", R"({"user_per_hour": 0})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("user_per_hour").as_int64(), 0);
  EXPECT_EQ(Json(put).at("user_per_day").as_int64(), 60);
  ASSERT_EQ(Deliver(7, 1001, "a story about bears").status, 200);
  sent = Answered(1001);
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_NE(sent[5].text.find("bears"), std::string::npos) << sent[5].text;

  // The refusals are listed without any text; the user only as a hash.
  auto events = Get("/api/safety/events?limit=10");
  ASSERT_EQ(events.status, 200);
  const auto list = Json(events).as_array();
  ASSERT_EQ(list.size(), 2u);
  for (const auto& e : list) {
    EXPECT_EQ(e.at("reason").as_string(), "over_hourly_limit");
    EXPECT_EQ(e.at("channel").as_string(), "telegram");
    EXPECT_EQ(e.at("user_hash").as_string().size(), 16u);
    EXPECT_EQ(events.body.find("foxes"), std::string::npos);
    EXPECT_EQ(events.body.find("1001"), std::string::npos);
  }
  // What an admin PUT wins over the environment after a restart.
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  StartStorybot(Env({{"STORYBOT_LIMIT_USER_PER_HOUR", "2"}}));
  EXPECT_EQ(Json(Get("/api/safety/limits")).at("user_per_hour").as_int64(), 0);
}

TEST_F(SafetyTest, TheDailyBudgetSpentMidDaySwitchesToTheOfflineStoryteller) {
  StartStorybot(LlmEnv({{"STORYBOT_LLM_DAILY_TOKENS", "100"}}));
  EXPECT_EQ(Preview(), "openai");  // 51 tokens
  EXPECT_EQ(Preview(), "openai");  // 102: the budget is spent
  EXPECT_EQ(Preview(), "offline");
  EXPECT_EQ(Preview(), "offline");
  EXPECT_EQ(Calls("/v1/chat/completions"), 2u);
  const auto stats = Json(Get("/api/stats")).at("llm_budget");
  EXPECT_EQ(stats.at("daily_tokens").as_int64(), 100);
  EXPECT_EQ(stats.at("used_today").as_int64(), 102);
  EXPECT_TRUE(stats.at("spent").as_bool());
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find("storybot_llm_budget_tokens_used 102"), std::string::npos);
  EXPECT_NE(metrics.find("storybot_llm_budget_tokens 100"), std::string::npos);
  // Raising the budget applies at once; a restart keeps what was used today.
  ASSERT_EQ(Put("/api/safety/limits", R"({"llm_daily_tokens": 1000})").status, 200);
  EXPECT_EQ(Preview(), "openai");
  ASSERT_EQ(Put("/api/safety/limits", R"({"llm_daily_tokens": 150})").status, 200);
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  int warnings = 0;
  for (const auto& line : LogLines()) {
    if (line.contains("event.action") &&
        line.at("event.action").as_string() == "llm_budget_spent") {
      ++warnings;
      EXPECT_EQ(line.at("log.level").as_string(), "warn");
    }
  }
  EXPECT_EQ(warnings, 1);  // logged once, however many stories it turned away
  StartStorybot(LlmEnv({{"STORYBOT_LLM_DAILY_TOKENS", "100"}}));
  EXPECT_EQ(Json(Get("/api/stats")).at("llm_budget").at("used_today").as_int64(), 153);
  EXPECT_EQ(Preview(), "offline");
}

TEST_F(SafetyTest, TheModerationServiceFlagsARequestWhichCostsNoLlmCall) {
  StartStorybot(LlmEnv({{"STORYBOT_MODERATION", "api"}}));
  ASSERT_EQ(Deliver(1, 2001, "a story about flag-me things").status, 200);
  auto sent = Answered(2001);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("I can't write a story about that one"), std::string::npos);
  EXPECT_EQ(Calls("/v1/chat/completions"), 0u);
  ASSERT_EQ(Calls("/v1/moderations"), 1u);
  const auto sent_body = boost::json::parse(llm_.requests()[0].body);
  EXPECT_EQ(sent_body.at("input").as_string(), "a story about flag-me things");
  auto events = Json(Get("/api/safety/events")).as_array();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("reason").as_string(), "blocked_request");
  EXPECT_EQ(events[0].at("detail").as_string(), "api:violence");
  EXPECT_NE(Metrics().find(R"(storybot_moderation_total{stage="request",verdict="block"} 1)"),
            std::string::npos);
  // A local list entry is refused before any call.
  ASSERT_EQ(Deliver(2, 2001, "a murder story").status, 200);
  ASSERT_EQ(Answered(2001).size(), 2u);
  EXPECT_EQ(Calls("/v1/moderations"), 1u);
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  for (const auto& line : LogLines()) {  // never the blocked text itself
    const std::string text = boost::json::serialize(line);
    if (line.at("event.dataset").as_string() == "storybot.access") continue;
    EXPECT_EQ(text.find("flag-me"), std::string::npos) << text;
    EXPECT_EQ(text.find("murder"), std::string::npos) << text;
  }
}

TEST_F(SafetyTest, AFlaggedStoryIsWrittenAgainThenReplaced) {
  StartStorybot(LlmEnv({{"STORYBOT_MODERATION", "api"}}));
  {
    std::lock_guard lock(mutex_);
    stories_ = {"A flag-me story.", "A kind story about owls."};
  }
  EXPECT_EQ(Preview(), "openai");
  auto requests = llm_.requests();
  std::vector<std::string> systems;
  for (const auto& r : requests) {
    if (r.path != "/v1/chat/completions") continue;
    systems.emplace_back(
        boost::json::parse(r.body).at("messages").as_array()[0].at("content").as_string());
  }
  ASSERT_EQ(systems.size(), 2u);
  EXPECT_EQ(systems[0].find("Be especially careful"), std::string::npos);
  EXPECT_NE(systems[1].find("Be especially careful"), std::string::npos);

  {
    std::lock_guard lock(mutex_);
    stories_ = {"A flag-me story.", "Another flag-me story."};
  }
  EXPECT_EQ(Preview(), "offline");
  EXPECT_EQ(Calls("/v1/chat/completions"), 4u);
  // Through a chat, the reader gets the offline story.
  {
    std::lock_guard lock(mutex_);
    stories_ = {"A flag-me story.", "Another flag-me story."};
  }
  ASSERT_EQ(Deliver(1, 2101, "a story about owls").status, 200);
  auto sent = Answered(2101);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text.find("flag-me"), std::string::npos) << sent[0].text;
  EXPECT_NE(sent[0].text.find("owls"), std::string::npos) << sent[0].text;
  EXPECT_NE(Metrics().find(R"(storybot_moderation_total{stage="story",verdict="block"} 5)"),
            std::string::npos);
}

TEST_F(SafetyTest, AModerationServiceAnswering500FallsBackToListsAndTheOfflineStoryteller) {
  StartStorybot(LlmEnv({{"STORYBOT_MODERATION", "api"}}));
  SetModeration("500");
  EXPECT_EQ(Preview(), "offline");  // the story could not be checked
  ASSERT_EQ(Deliver(1, 2201, "a story about owls").status, 200);
  ASSERT_EQ(Deliver(2, 2201, "a murder story").status, 200);
  auto sent = Answered(2201);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[0].text.find("owls"), std::string::npos) << sent[0].text;  // answered
  EXPECT_NE(sent[1].text.find("I can't write a story about that one"), std::string::npos);
  EXPECT_NE(Metrics().find(R"(storybot_moderation_total{stage="request",verdict="error"} 1)"),
            std::string::npos);
}

TEST_F(SafetyTest, AModerationServiceTimingOutFallsBackToListsAndTheOfflineStoryteller) {
  StartStorybot(LlmEnv({{"STORYBOT_MODERATION", "api"}, {"STORYBOT_LLM_TIMEOUT_S", "1"}}));
  SetModeration("slow");
  EXPECT_EQ(Preview(), "offline");
  ASSERT_EQ(Deliver(1, 2301, "a story about owls").status, 200);
  auto sent = Answered(2301);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("owls"), std::string::npos) << sent[0].text;
  EXPECT_NE(Metrics().find(R"(storybot_moderation_total{stage="story",verdict="error"} 2)"),
            std::string::npos);
}

TEST_F(SafetyTest, AChatFlooding100MessagesGetsExactlyOneNotice) {
  StartStorybot(Env({{"STORYBOT_LIMIT_CHAT_PER_MINUTE", "3"}}));
  for (int i = 1; i <= 100; ++i) ASSERT_EQ(Deliver(i, 3001, "owls").status, 200);
  const auto sent = Answered(3001);
  ASSERT_EQ(sent.size(), 4u);
  int notices = 0;
  for (const auto& m : sent) notices += m.text.find("a lot of messages") != std::string::npos;
  EXPECT_EQ(notices, 1);
  EXPECT_NE(sent[3].text.find("a lot of messages"), std::string::npos);
  EXPECT_EQ(JobsIn("done"), 100);
  EXPECT_NE(Metrics().find(R"(storybot_limit_rejections_total{kind="chat_flood"} 97)"),
            std::string::npos);
  // Another chat is answered as usual.
  ASSERT_EQ(Deliver(101, 3002, "owls").status, 200);
  EXPECT_EQ(Answered(3002).size(), 1u);
}

TEST_F(SafetyTest, BadLimitsAre400NamingTheFieldAndChangeNothing) {
  StartStorybot();
  const std::string before = Get("/api/safety/limits").body;
  EXPECT_EQ(Json(Get("/api/safety/limits")).at("user_per_hour").as_int64(), 20);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"user_per_hour": -1})", "user_per_hour"},
      {R"({"user_per_day": "ten"})", "user_per_day"},
      {R"({"chat_per_minute": 1.5})", "chat_per_minute"},
      {R"({"llm_daily_tokens": null})", "llm_daily_tokens"},
      {R"({"user_per_hour": 5, "user_per_day": -3})", "user_per_day"},
      {R"({"per_week": 5})", "per_week"},
  };
  for (const auto& [body, field] : bad) {
    auto r = Put("/api/safety/limits", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(ErrorCodeOf(r), "invalid_argument") << body;
    EXPECT_NE(ErrorMessageOf(r).find(field), std::string::npos) << ErrorMessageOf(r);
  }
  EXPECT_EQ(Get("/api/safety/limits").body, before);
  EXPECT_EQ(Fetch("PUT", Url("/api/safety/limits"), {{"Content-Type", "application/json"}},
                  R"({"user_per_hour": 1})")
                .status,
            401);
  EXPECT_EQ(Fetch("PUT", Url("/api/safety/limits"), Admin({{"Content-Type", "text/plain"}}),
                  R"({"user_per_hour": 1})")
                .status,
            415);
  EXPECT_EQ(Get("/api/safety/limits").body, before);
}

TEST_F(SafetyTest, AHugeOrInvalidBlocklistIsRefusedAndChangesNothing) {
  StartStorybot();
  auto put = Put("/api/safety/blocklist", R"({"words": ["grumpy goblin", "  坏蛋  "]})");
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string before = Get("/api/safety/blocklist").body;
  EXPECT_EQ(before, R"({"words":["grumpy goblin","坏蛋"]})");

  std::string huge = R"({"words": [)";
  for (int i = 0; i < 100000; ++i) huge += (i ? ",\"w" : "\"w") + std::to_string(i) + "\"";
  huge += "]}";
  const int status = Put("/api/safety/blocklist", huge).status;
  EXPECT_TRUE(status == 400 || status == 413) << status;
  std::string many = R"({"words": [)";
  for (int i = 0; i < 10001; ++i) many += (i ? ",\"w" : "\"w") + std::to_string(i) + "\"";
  many += "]}";
  auto too_many = Put("/api/safety/blocklist", many);
  EXPECT_EQ(too_many.status, 400);
  EXPECT_NE(ErrorMessageOf(too_many).find("words"), std::string::npos);
  auto invalid = Put("/api/safety/blocklist", "{\"words\": [\"ok\", \"bad \xff\xfe\"]}");
  EXPECT_EQ(invalid.status, 400);
  for (const char* body :
       {R"({"words": "goblin"})", R"({"words": [1]})", R"({"words": [""]})", R"({})"}) {
    auto r = Put("/api/safety/blocklist", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_NE(ErrorMessageOf(r).find("words"), std::string::npos) << ErrorMessageOf(r);
  }
  EXPECT_EQ(Get("/api/safety/blocklist").body, before);
  EXPECT_EQ(Fetch("GET", Url("/api/safety/blocklist")).status, 401);
  EXPECT_EQ(Get("/api/safety/events?limit=0").status, 400);
  EXPECT_EQ(Get("/api/safety/events?limit=x").status, 400);

  // The admins' words are kept across a restart and refuse requests.
  ASSERT_EQ(Put("/api/safety/blocklist", R"({"words": ["grumpy goblin"]})").status, 200);
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  StartStorybot(Env());
  EXPECT_EQ(Get("/api/safety/blocklist").body, R"({"words":["grumpy goblin"]})");
  ASSERT_EQ(Deliver(1, 4001, "a story about a Grumpy Goblin").status, 200);
  auto sent = Answered(4001);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("I can't write a story about that one"), std::string::npos);
}

}  // namespace
}  // namespace storybot::test
