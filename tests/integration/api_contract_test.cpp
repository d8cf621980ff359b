// What http/openapi.yaml and docs/webhooks.md promise, through the real binary: an enum query
// parameter refuses values outside it; a synchronous webhook answer names the engine that really
// wrote the story (offline after an LLM fallback), with a fake OpenAI-compatible server.
#include <chrono>

#include "channels/webhook/signature.h"
#include "tests/integration/fake_llm_fixture.h"

namespace storybot::test {
namespace {

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(StorybotTest, ConversationsRefuseAnUnknownChannel) {
  auto bogus = Get("/api/conversations?channel=bogus");
  ASSERT_EQ(bogus.status, 400) << bogus.body;
  EXPECT_EQ(ErrorCodeOf(bogus), "invalid_argument");
  const std::string message = ErrorMessageOf(bogus);
  EXPECT_NE(message.find("channel"), std::string::npos) << message;
  for (const char* allowed : {"telegram", "slack", "webhook"}) {
    EXPECT_NE(message.find(allowed), std::string::npos) << message;
    auto ok = Get(std::string("/api/conversations?channel=") + allowed);
    EXPECT_EQ(ok.status, 200) << allowed;  // also when the channel is off
  }
  EXPECT_EQ(Get("/api/conversations").status, 200);
  EXPECT_EQ(Get("/api/conversations?channel=Telegram").status, 400);
}

class WebhookEngineTest : public FakeLlmTest {
 protected:
  void Start(int status, std::string body) {
    StartWithLlm(status, std::move(body));
    auto created = Post("/api/integrations", R"({"name": "acme"})");
    ASSERT_EQ(created.status, 201) << created.body;
    secret_ = std::string(Json(created).at("secret").as_string());
  }
  // A signed synchronous delivery (no callback_url).
  HttpResult Deliver(const std::string& id) {
    const std::string body = R"({"user_id": "u1", "text": "a story about a brave owl"})";
    const std::int64_t ts = Now();
    const std::string key = webhook::SecretKey(secret_).value();
    return Fetch("POST", Url("/webhooks/acme"),
                 {{"webhook-id", id},
                  {"webhook-timestamp", std::to_string(ts)},
                  {"webhook-signature", webhook::Sign(key, id, ts, body)},
                  {"Content-Type", "application/json"}},
                 body);
  }

  std::string secret_;
};

TEST_F(WebhookEngineTest, AFallbackStoryIsReportedAsOffline) {
  Start(500, R"({"error":{"message":"overloaded","type":"server_error"}})");
  auto answer = Deliver("msg_fallback");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(Json(answer).at("engine").as_string(), "offline") << answer.body;
  EXPECT_EQ(llm_.request_count(), 2u);  // the LLM was asked (one retry), then the fallback wrote
  EXPECT_EQ(std::string(Json(answer).at("story").as_string()).find("an LLM wrote this"),
            std::string::npos);
}

TEST_F(WebhookEngineTest, AnLlmStoryIsReportedAsOpenai) {
  Start(200, kCompletion);
  auto answer = Deliver("msg_llm");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(Json(answer).at("engine").as_string(), "openai");
  EXPECT_EQ(Json(answer).at("story").as_string(), "Once upon a time, an LLM wrote this.");
}

}  // namespace
}  // namespace storybot::test
