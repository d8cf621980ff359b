// The Discord channel over real HTTP: the real binary with a public key the test generated, and
// a fake Discord API on loopback speaking the documented routes (bulk overwrite of the commands,
// the interaction webhook's edit of the original response and its follow-ups, 429 with a JSON
// retry_after). Interactions are signed with the test's Ed25519 key exactly as Discord signs them.
#include <atomic>
#include <ctime>
#include <fstream>
#include <sstream>

#include "tests/integration/fixture.h"
#include "tests/support/ed25519_key.h"
#include "tests/support/fake_http_server.h"

namespace storybot::test {
namespace {

constexpr const char* kApplicationId = "1100000000000000001";
constexpr const char* kBotToken = "discord-bot-token-for-tests";
constexpr const char* kEditPath = "/messages/@original";
// The fake answers 404 Unknown Webhook for this interaction's token.
constexpr const char* kGoneId = "1255582384934113416";

std::string Now() { return std::to_string(std::time(nullptr)); }

// A story of three paragraphs of about 1,500 characters: an edit and two follow-ups at 2,000.
std::string LongStory() {
  std::string story;
  for (int part = 1; part <= 3; ++part) {
    std::string paragraph = "Part " + std::to_string(part) + " begins.";
    while (paragraph.size() < 1500) paragraph += " The owls kept flying over the sleeping town.";
    story += (story.empty() ? "" : "\n\n") + paragraph;
  }
  return story;
}

// An APPLICATION_COMMAND interaction as Discord sends it from a server channel.
std::string Command(const std::string& id, const std::string& name, const std::string& theme = "",
                    const std::string& locale = "en-US") {
  boost::json::object data{{"id", "771825006014889984"}, {"name", name}, {"type", 1}};
  if (!theme.empty()) {
    data["options"] = boost::json::array{{{"type", 3}, {"name", "theme"}, {"value", theme}}};
  }
  return boost::json::serialize(boost::json::object{
      {"type", 2},
      {"id", id},
      {"application_id", kApplicationId},
      {"token", "itoken-" + id},
      {"version", 1},
      {"guild_id", "290926798626357999"},
      {"channel_id", "6450279066695106" + id.substr(id.size() - 2)},
      {"locale", locale},
      {"member",
       {{"user", {{"id", "53908232506183680"}, {"username", "mason"}, {"global_name", "Mason"}}}}},
      {"data", std::move(data)}});
}

class DiscordTest : public StorybotTest {
 protected:
  void SetUp() override {
    fake_.On("PUT", "/api/v10/applications/{app}/commands", [](const http::ExchangePtr& ex) {
      ex->Reply(http::JsonResponse(200, ex->request().body));  // Discord answers the commands
    });
    fake_.On("PATCH", "/api/v10/webhooks/{app}/{token}/messages/{message}",
             [this](const http::ExchangePtr& ex) { AnswerMessage(ex); });
    fake_.On("POST", "/api/v10/webhooks/{app}/{token}",
             [this](const http::ExchangePtr& ex) { AnswerMessage(ex); });
    fake_.On("POST", "/v1/chat/completions", [](const http::ExchangePtr& ex) {
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
  }

  void Start(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{
        {"STORYBOT_DISCORD_PUBLIC_KEY", key_.PublicKeyHex()},
        {"STORYBOT_DISCORD_APPLICATION_ID", kApplicationId},
        {"STORYBOT_DISCORD_BOT_TOKEN", kBotToken},
        {"STORYBOT_DISCORD_API_URL", fake_.base_url() + "/api/v10"}};
    env.merge(extra);
    StartStorybot(std::move(env));
  }
  void StartWithLlm() {
    Start({{"STORYBOT_LLM_BASE_URL", fake_.base_url() + "/v1"},
           {"STORYBOT_LLM_API_KEY", "sk-test"},
           {"STORYBOT_LLM_MODEL", "story-model"}});
  }

  // The edit and the follow-ups: a 429 while rate_limited_ > 0, 404 for kGoneId's token.
  void AnswerMessage(const http::ExchangePtr& ex) {
    if (ex->request().path.find(kGoneId) != std::string::npos) {
      return ex->Reply(http::JsonResponse(404, R"({"message":"Unknown Webhook","code":10015})"));
    }
    if (rate_limited_.fetch_sub(1) > 0) {
      return ex->Reply(http::JsonResponse(
          429, R"({"message":"You are being rate limited.","retry_after":0.3,"global":false})"));
    }
    const auto body = boost::json::parse(ex->request().body).as_object();
    http::Response ok =
        http::JsonResponse(200, boost::json::serialize(boost::json::object{
                                    {"id", "1"}, {"type", 0}, {"content", body.at("content")}}));
    ok.Set("X-RateLimit-Limit", "5");
    ok.Set("X-RateLimit-Remaining", "4");
    ok.Set("X-RateLimit-Reset-After", "1.000");
    ex->Reply(std::move(ok));
  }

  HttpResult Signed(const std::string& body, const std::string& timestamp,
                    const std::string& content_type = "application/json") {
    return Fetch("POST", Url("/discord/interactions"),
                 {{"Content-Type", content_type},
                  {"X-Signature-Timestamp", timestamp},
                  {"X-Signature-Ed25519", key_.Sign(timestamp, body)}},
                 body);
  }
  HttpResult Interact(const std::string& body) { return Signed(body, Now()); }

  // The fake's requests whose method is `method` and whose path contains `part`, waiting up to
  // 15 s for at least `count` of them.
  std::vector<RecordedRequest> Requests(const std::string& method, const std::string& part,
                                        std::size_t count) {
    std::vector<RecordedRequest> found;
    test::WaitFor(
        [&] {
          found.clear();
          for (auto& r : fake_.requests()) {
            if (r.method == method && r.path.find(part) != std::string::npos) {
              found.push_back(std::move(r));
            }
          }
          return found.size() >= count;
        },
        std::chrono::seconds(15), std::chrono::milliseconds(20));
    return found;
  }
  std::vector<RecordedRequest> Edits(std::size_t count) {
    return Requests("PATCH", kEditPath, count);
  }
  static std::string Content(const RecordedRequest& r) {
    return std::string(boost::json::parse(r.body).as_object().at("content").as_string());
  }
  std::string Log() const {
    std::ifstream in(dir_.path() + "/logs/storybot.ndjson");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  test::Ed25519Key key_;
  std::atomic<int> rate_limited_{0};
  // Last, so it is destroyed (and its handlers, which use the members above, stopped) first.
  FakeHttpServer fake_;
};

TEST_F(DiscordTest, RegistersTheCommandsAtStart) {
  Start();
  auto puts = Requests("PUT", "/commands", 1);
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0].path, std::string("/api/v10/applications/") + kApplicationId + "/commands");
  EXPECT_EQ(puts[0].Header("Authorization"), std::string("Bot ") + kBotToken);
  EXPECT_EQ(puts[0].Header("Content-Type"), "application/json");
  const auto commands = boost::json::parse(puts[0].body).as_array();
  std::vector<std::string> names;
  for (const auto& c : commands) {
    names.emplace_back(c.at("name").as_string());
    EXPECT_FALSE(c.at("name_localizations").at("zh-CN").as_string().empty());
    EXPECT_FALSE(c.at("description_localizations").at("zh-CN").as_string().empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"story", "continue", "reset", "help", "themes"}));
  EXPECT_EQ(commands[0].at("name_localizations").at("zh-CN").as_string(), "故事");
  EXPECT_EQ(commands[0].at("options").at(0).at("name").as_string(), "theme");
  // The bot token is a secret: never in the log.
  EXPECT_EQ(Log().find(kBotToken), std::string::npos);
}

TEST_F(DiscordTest, AnswersAPing) {
  Start();
  auto r = Interact(R"({"type":1,"id":"1","application_id":"1100000000000000001","token":"t"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"type":1})");
  EXPECT_EQ(JobsIn("pending") + JobsIn("done"), 0);
}

TEST_F(DiscordTest, StoryIsDeferredThenTheOriginalResponseIsEdited) {
  Start();
  auto ack = Interact(Command("1255582384934113411", "story", "a brave turtle"));
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.body, R"({"type":5})");
  auto edits = Edits(1);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].path, std::string("/api/v10/webhooks/") + kApplicationId +
                               "/itoken-1255582384934113411/messages/@original");
  EXPECT_TRUE(edits[0].Header("Authorization").empty());
  const std::string story = Content(edits[0]);
  EXPECT_GT(story.size(), 200u) << story;
  EXPECT_LE(story.size(), 2000u * 4);
  EXPECT_NE(story.find("turtle"), std::string::npos) << story;
  EXPECT_NE(story.find("Mason"), std::string::npos) << story;  // the user's display name
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
  EXPECT_TRUE(Requests("POST", "/webhooks/", 0).empty());  // it fitted in one message
  // The interaction token is a credential: never in the log.
  EXPECT_EQ(Log().find("itoken-1255582384934113411"), std::string::npos);
  // The channel's metrics.
  const std::string metrics = Fetch("GET", Url("/metrics")).body;
  EXPECT_NE(metrics.find(R"(storybot_messages_received_total{channel="discord"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(storybot_replies_sent_total{channel="discord",outcome="sent"} 1)"),
            std::string::npos);
}

TEST_F(DiscordTest, TheUsersLocaleChoosesTheLanguage) {
  Start();
  ASSERT_EQ(Interact(Command("1255582384934113412", "story", "", "zh-CN")).status, 200);
  auto edits = Edits(1);
  ASSERT_EQ(edits.size(), 1u);
  // Chinese text: the story is told in Chinese (U+4E00..U+9FFF are three UTF-8 bytes from E4-E9).
  const std::string story = Content(edits[0]);
  EXPECT_NE(story.find("\xE7\x9A\x84"), std::string::npos) << story;  // 的
}

TEST_F(DiscordTest, ALongStoryGoesOutAsAnEditAndFollowUps) {
  StartWithLlm();
  ASSERT_EQ(Interact(Command("1255582384934113413", "story", "owls")).status, 200);
  auto edits = Edits(1);
  auto followups = Requests("POST", "/webhooks/", 2);
  ASSERT_EQ(edits.size(), 1u);
  ASSERT_EQ(followups.size(), 2u);
  EXPECT_EQ(Content(edits[0]).rfind("Part 1 begins.", 0), 0u);
  EXPECT_EQ(Content(followups[0]).rfind("Part 2 begins.", 0), 0u);
  EXPECT_EQ(Content(followups[1]).rfind("Part 3 begins.", 0), 0u);
  for (const auto& r : followups) {
    EXPECT_EQ(r.path,
              std::string("/api/v10/webhooks/") + kApplicationId + "/itoken-1255582384934113413");
    EXPECT_LE(Content(r).size(), 2000u);
  }
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
}

TEST_F(DiscordTest, A429IsWaitedOutThenTheStoryIsSent) {
  Start();
  rate_limited_ = 1;
  ASSERT_EQ(Interact(Command("1255582384934113414", "story", "foxes")).status, 200);
  auto edits = Edits(2);
  ASSERT_EQ(edits.size(), 2u);  // the 429, then the same edit again
  EXPECT_EQ(edits[1].body, edits[0].body);
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(JobsIn("done"), 1);
}

TEST_F(DiscordTest, AReplayedInteractionIsAnsweredOnce) {
  Start();
  const std::string body = Command("1255582384934113415", "story", "dragons");
  ASSERT_EQ(Interact(body).status, 200);
  auto again = Interact(body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, R"({"type":5})");
  ASSERT_EQ(Edits(1).size(), 1u);
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("pending") == 0; }));  // finished: no more edits
  EXPECT_EQ(JobsIn("done"), 1);
  EXPECT_EQ(Edits(1).size(), 1u);
}

TEST_F(DiscordTest, AnUnknownWebhookFailsTheJobWithItsReason) {
  Start();
  ASSERT_EQ(Interact(Command(kGoneId, "story", "owls")).status, 200);
  ASSERT_TRUE(test::WaitFor([&] { return JobsIn("failed") == 1; }));
  EXPECT_EQ(Edits(1).size(), 1u);  // given up at once, not retried
  const auto failed = Json(Get("/api/jobs?state=failed")).as_array();
  ASSERT_EQ(failed.size(), 1u);
  const auto& job = failed[0].as_object();
  EXPECT_EQ(job.at("channel").as_string(), "discord");
  EXPECT_EQ(job.at("last_error").as_string(), "discord HTTP 404: Unknown Webhook (10015)");
  const std::string log = Log();
  EXPECT_NE(log.find("discord: reply refused; giving up"), std::string::npos);
  EXPECT_EQ(log.find("itoken-"), std::string::npos);
}

TEST_F(DiscordTest, UnsignedForgedOrStaleInteractionsAreRefusedAndNothingIsStored) {
  Start();
  const std::string body = Command("1255582384934113417", "story", "dragons");
  const std::string now = Now();
  auto unsigned_request =
      Fetch("POST", Url("/discord/interactions"), {{"Content-Type", "application/json"}}, body);
  EXPECT_EQ(unsigned_request.status, 401);
  EXPECT_EQ(ErrorCodeOf(unsigned_request), "unauthenticated");
  test::Ed25519Key other;
  EXPECT_EQ(Fetch("POST", Url("/discord/interactions"),
                  {{"Content-Type", "application/json"},
                   {"X-Signature-Timestamp", now},
                   {"X-Signature-Ed25519", other.Sign(now, body)}},
                  body)
                .status,
            401);
  EXPECT_EQ(Signed(body, std::to_string(std::time(nullptr) - 6 * 60)).status, 401);
  EXPECT_EQ(Signed(body, std::to_string(std::time(nullptr) + 6 * 60)).status, 401);
  std::string changed = body;
  changed.back() = ' ';
  EXPECT_EQ(Fetch("POST", Url("/discord/interactions"),
                  {{"Content-Type", "application/json"},
                   {"X-Signature-Timestamp", now},
                   {"X-Signature-Ed25519", key_.Sign(now, body)}},
                  changed + "}")
                .status,
            401);
  // Signed but malformed, or of the wrong type.
  EXPECT_EQ(Interact("{not json").status, 400);
  EXPECT_EQ(Interact(R"({"type":2,"id":"5"})").status, 400);
  EXPECT_EQ(Interact(R"({"type":3,"id":"5","token":"t","application_id":"1"})").status, 400);
  EXPECT_EQ(Signed(body, Now(), "text/plain").status, 415);
  // Too big for any interaction.
  const std::string huge(2 * 1024 * 1024, 'x');
  EXPECT_EQ(
      Fetch("POST", Url("/discord/interactions"), {{"Content-Type", "application/json"}}, huge)
          .status,
      413);

  const auto stats = Json(Get("/api/stats")).as_object();
  EXPECT_EQ(stats.at("conversations").as_int64(), 0);
  const auto jobs = stats.at("jobs").as_object();
  EXPECT_EQ(
      jobs.at("pending").as_int64() + jobs.at("done").as_int64() + jobs.at("failed").as_int64(), 0);
  EXPECT_TRUE(Edits(0).empty());
}

}  // namespace
}  // namespace storybot::test
