#pragma once
// storybot started against a fake OpenAI-compatible server on 127.0.0.1 that answers every chat
// completion with one status and body: the LLM tests' shared start-up.
#include <map>
#include <string>

#include "tests/integration/fixture.h"
#include "tests/support/fake_http_server.h"

namespace storybot::test {

// A chat completion whose story is "Once upon a time, an LLM wrote this." (42 + 9 tokens).
inline constexpr const char* kCompletion = R"({"id":"chatcmpl-1","object":"chat.completion",
  "choices":[{"index":0,"message":{"role":"assistant","content":"Once upon a time, an LLM wrote this."},
  "finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":9,"total_tokens":51}})";

class FakeLlmTest : public StorybotTest {
 protected:
  void SetUp() override {}  // each test starts storybot with the answer it needs

  // The fake answers `status` and `body`; storybot uses it (API key sk-test-secret-key, model
  // story-model, one retry) with `extra` settings added.
  void StartWithLlm(int status, std::string body, std::map<std::string, std::string> extra = {}) {
    llm_.On("POST", "/v1/chat/completions",
            [status, body = std::move(body)](const http::ExchangePtr& ex) {
              ex->Reply(http::JsonResponse(status, body));
            });
    std::map<std::string, std::string> env{{"STORYBOT_LLM_BASE_URL", llm_.base_url() + "/v1"},
                                           {"STORYBOT_LLM_API_KEY", "sk-test-secret-key"},
                                           {"STORYBOT_LLM_MODEL", "story-model"},
                                           {"STORYBOT_LLM_MAX_RETRIES", "1"}};
    env.merge(extra);
    StartStorybot(std::move(env));
  }

  FakeHttpServer llm_;
};

}  // namespace storybot::test
