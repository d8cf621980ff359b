// The story engine with an OpenAI-compatible server, through the real binary: the LLM writes the
// story when it works; when it fails after its retries the offline storyteller answers instead,
// logged and counted as a fallback.
#include <fstream>

#include "tests/integration/fake_llm_fixture.h"

namespace storybot::test {
namespace {

class LlmTest : public FakeLlmTest {
 protected:
  void Start(int status, std::string body) {
    StartWithLlm(status, std::move(body),
                 {{"STORYBOT_STORY_SYSTEM_PROMPT", "Be kind. Answer in {language}."}});
  }
};

TEST_F(LlmTest, TheLlmWritesTheStory) {
  Start(200, kCompletion);
  auto preview = Fetch("POST", Url("/api/stories/preview"), AdminJson(),
                       R"({"request": "owls", "variables": {"user_name": "Ada"}})");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(Json(preview).at("engine").as_string(), "openai");
  EXPECT_EQ(Json(preview).at("story").as_string(), "Once upon a time, an LLM wrote this.");
  const auto requests = llm_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("Authorization"), "Bearer sk-test-secret-key");
  EXPECT_EQ(requests[0].Header("X-Trace-Id"), preview.Header("x-trace-id"));
  const auto sent = boost::json::parse(requests[0].body).as_object();
  EXPECT_EQ(sent.at("model").as_string(), "story-model");
  EXPECT_EQ(sent.at("messages").as_array()[0].at("content").as_string(),
            "Be kind. Answer in English.");
  const std::string metrics = Fetch("GET", Url("/metrics")).body;
  EXPECT_NE(metrics.find(R"(storybot_llm_requests_total{outcome="success"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(storybot_llm_tokens_total{kind="prompt"} 42)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(storybot_story_duration_seconds_count{engine="openai"} 1)"),
            std::string::npos);
}

TEST_F(LlmTest, FailuresFallBackToTheOfflineStoryteller) {
  Start(500, R"({"error":{"message":"overloaded","type":"server_error"}})");
  auto preview = Fetch("POST", Url("/api/stories/preview"), AdminJson(),
                       R"({"request": "owls", "variables": {"user_name": "Ada"}})");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(Json(preview).at("engine").as_string(), "offline");
  EXPECT_NE(std::string(Json(preview).at("story").as_string()).find("Ada"), std::string::npos);
  EXPECT_EQ(llm_.request_count(), 2u);  // one retry, then the fallback
  const std::string metrics = Fetch("GET", Url("/metrics")).body;
  EXPECT_NE(metrics.find(R"(storybot_llm_requests_total{outcome="fallback"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(storybot_llm_requests_total{outcome="retry"} 1)"), std::string::npos);
  const std::string trace = preview.Header("x-trace-id");
  EXPECT_EQ(process_->Stop(SIGTERM), 0);
  std::ifstream log(dir_.path() + "/logs/storybot.ndjson");
  bool warned = false;
  for (std::string line; std::getline(log, line);) {
    EXPECT_EQ(line.find("sk-test-secret-key"), std::string::npos);
    const auto o = boost::json::parse(line).as_object();
    if (o.contains("storybot.outcome") && o.at("storybot.outcome").as_string() == "fallback") {
      warned = true;
      EXPECT_EQ(o.at("log.level").as_string(), "warn");
      EXPECT_EQ(o.at("trace.id").as_string(), trace);
    }
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace storybot::test
