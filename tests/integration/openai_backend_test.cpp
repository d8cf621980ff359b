// The OpenAI-compatible backend against a fake chat-completions server on 127.0.0.1.
#include "core/story/openai_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <string>

#include "core/logging.h"
#include "core/metrics.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::FakeHttpServer;

constexpr char kApiKey[] = "sk-test-secret-key-0123456789";
constexpr char kRoute[] = "/v1/chat/completions";

std::string Completion(std::string_view content, std::string_view finish_reason = "stop") {
  boost::json::object body{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"model", "story-model"},
      {"choices", boost::json::array{{{"index", 0},
                                      {"message", {{"role", "assistant"}, {"content", content}}},
                                      {"finish_reason", finish_reason}}}},
      {"usage", {{"prompt_tokens", 12}, {"completion_tokens", 34}, {"total_tokens", 46}}}};
  return boost::json::serialize(body);
}

http::Response Ok(std::string_view content = "Once upon a time, a fox.") {
  return http::JsonResponse(200, Completion(content));
}

http::Response Status(int status, std::string body = R"({"error":{"message":"busy"}})") {
  return http::JsonResponse(status, std::move(body));
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class OpenAiBackendTest : public ::testing::Test {
 protected:
  OpenAiBackendTest()
      : logger_(Logger::Open({"", LogLevel::kError, false}).value()), metrics_("test") {}

  OpenAiOptions Options() const {
    OpenAiOptions options;
    options.base_url = fake_.base_url() + "/v1/";  // the trailing slash is dropped
    options.api_key = kApiKey;
    options.model = "story-model";
    options.timeout_s = 5;
    options.connect_timeout_s = 2;
    options.max_retry_after_s = 2;  // keeps a misbehaving test short
    return options;
  }

  OpenAiBackend& Backend(OpenAiOptions options) {
    backend_ = std::make_unique<OpenAiBackend>(std::move(options), *logger_, metrics_);
    return *backend_;
  }
  OpenAiBackend& Backend() { return Backend(Options()); }

  static StoryRequest Request() {
    StoryRequest request;
    request.system_prompt = "You write short, kind stories.";
    request.history = {{"user", "A story about a fox"}, {"assistant", "Once a fox..."}};
    request.prompt = "Go on with the story.";
    request.trace_id = "trace-abc-123";
    request.max_tokens = 321;
    request.temperature = 0.5;
    return request;
  }

  // Generates and waits (bounded) for the callback.
  static Result<Story> GenerateAndWait(OpenAiBackend& backend, StoryRequest request,
                                       std::chrono::seconds limit = 20s) {
    auto promise = std::make_shared<std::promise<Result<Story>>>();
    auto future = promise->get_future();
    backend.Generate(std::move(request),
                     [promise](Result<Story> result) { promise->set_value(std::move(result)); });
    if (future.wait_for(limit) != std::future_status::ready) {
      ADD_FAILURE() << "no callback within " << limit.count() << " s";
      return Internal("test timed out");
    }
    return future.get();
  }

  // Answers the scripted responses in order, the last one for every later request.
  void Script(std::vector<http::Response> responses) {
    auto calls = std::make_shared<std::atomic<std::size_t>>(0);
    fake_.On("POST", kRoute,
             [calls, responses = std::move(responses)](const http::ExchangePtr& ex) {
               const std::size_t n = calls->fetch_add(1);
               ex->Reply(responses[std::min(n, responses.size() - 1)]);
             });
  }

  bool MetricsHave(const std::string& line) {
    const std::string text = metrics_.Render();
    return text.find(line + "\n") != std::string::npos;
  }

  FakeHttpServer fake_;
  std::shared_ptr<Logger> logger_;
  Metrics metrics_;
  std::unique_ptr<OpenAiBackend> backend_;  // last: stopped before the fake and the metrics
};

TEST_F(OpenAiBackendTest, SuccessSendsTheDocumentedRequestAndReadsUsage) {
  Script({Ok("Once upon a time, a fox.")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().text, "Once upon a time, a fox.");
  EXPECT_EQ(result.value().engine, "openai");
  EXPECT_EQ(result.value().prompt_tokens, 12);
  EXPECT_EQ(result.value().completion_tokens, 34);
  EXPECT_FALSE(result.value().truncated);
  EXPECT_EQ(backend_->name(), "openai");

  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& req = requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, kRoute);
  EXPECT_EQ(req.Header("Authorization"), std::string("Bearer ") + kApiKey);
  EXPECT_EQ(req.Header("X-Trace-Id"), "trace-abc-123");
  EXPECT_EQ(req.Header("Content-Type"), "application/json");

  const boost::json::object body = boost::json::parse(req.body).as_object();
  EXPECT_EQ(body.at("model").as_string(), "story-model");
  EXPECT_EQ(body.at("max_tokens").to_number<int>(), 321);
  EXPECT_DOUBLE_EQ(body.at("temperature").to_number<double>(), 0.5);
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 4u);
  const std::pair<const char*, const char*> expected[] = {
      {"system", "You write short, kind stories."},
      {"user", "A story about a fox"},
      {"assistant", "Once a fox..."},
      {"user", "Go on with the story."}};
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].at("role").as_string(), expected[i].first) << i;
    EXPECT_EQ(messages[i].at("content").as_string(), expected[i].second) << i;
  }

  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="success"} 1)"));
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_tokens_total{kind="prompt"} 12)"));
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_tokens_total{kind="completion"} 34)"));
}

TEST_F(OpenAiBackendTest, NoKeyNoTraceIdMeansNoSuchHeaders) {
  Script({Ok()});
  OpenAiOptions options = Options();
  options.api_key.clear();
  StoryRequest request = Request();
  request.trace_id.clear();
  request.system_prompt.clear();
  auto result = GenerateAndWait(Backend(options), request);

  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("Authorization"), "");
  EXPECT_EQ(requests[0].Header("X-Trace-Id"), "");
  const auto body = boost::json::parse(requests[0].body);
  EXPECT_EQ(body.at("messages").as_array().size(), 3u);  // no empty system message
}

TEST_F(OpenAiBackendTest, FinishReasonLengthMeansTruncated) {
  Script({http::JsonResponse(200, Completion("Once upon a", "length"))});
  auto result = GenerateAndWait(Backend(), Request());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result.value().truncated);
  EXPECT_EQ(result.value().text, "Once upon a");
}

TEST_F(OpenAiBackendTest, RetryAfterSecondsIsHonoured) {
  http::Response limited = Status(429, R"({"error":{"message":"Rate limit reached"}})");
  limited.Set("Retry-After", "1");
  Script({limited, Ok()});
  const auto start = Clock::now();
  auto result = GenerateAndWait(Backend(), Request());
  const double took = SecondsSince(start);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GE(took, 0.95);
  EXPECT_LT(took, 5.0);
  EXPECT_EQ(fake_.request_count(), 2u);
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="retry"} 1)"));
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="success"} 1)"));
}

TEST_F(OpenAiBackendTest, RetryAfterMsIsHonoured) {
  // 900 ms is longer than the first backoff (0.5 s + at most 25%): only the header explains it.
  http::Response busy = Status(503);
  busy.Set("retry-after-ms", "900");
  busy.Set("Retry-After", "2");  // retry-after-ms wins
  Script({busy, Ok()});
  const auto start = Clock::now();
  auto result = GenerateAndWait(Backend(), Request());
  const double took = SecondsSince(start);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GE(took, 0.85);
  EXPECT_LT(took, 1.9);
  EXPECT_EQ(fake_.request_count(), 2u);
}

TEST_F(OpenAiBackendTest, ServerErrorThenSuccessBacksOff) {
  Script({Status(500), Ok()});
  const auto start = Clock::now();
  auto result = GenerateAndWait(Backend(), Request());
  const double took = SecondsSince(start);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GE(took, 0.45);  // the first backoff is 0.5 s
  EXPECT_EQ(fake_.request_count(), 2u);
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="retry"} 1)"));
}

TEST_F(OpenAiBackendTest, PersistentUnavailableGivesUpAfterThreeAttempts) {
  Script({Status(503, R"({"error":{"message":"overloaded"}})")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("3 attempts"), std::string::npos) << result.error().message;
  EXPECT_EQ(fake_.request_count(), 3u);
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="retry"} 2)"));
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="error"} 1)"));
}

TEST_F(OpenAiBackendTest, TimeoutIsRetriedThenUnavailable) {
  fake_.On("POST", kRoute,
           [this](const http::ExchangePtr& ex) { fake_.ReplyAfter(ex, 10s, Ok()); });
  OpenAiOptions options = Options();
  options.timeout_s = 1;
  options.max_retries = 1;
  const auto start = Clock::now();
  auto result = GenerateAndWait(Backend(options), Request());
  const double took = SecondsSince(start);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(fake_.request_count(), 2u);
  EXPECT_GE(took, 2.4);  // two 1 s attempts and a 0.5 s backoff
  EXPECT_LT(took, 6.0);
}

TEST_F(OpenAiBackendTest, UnauthorizedIsNotRetriedAndHidesTheKey) {
  Script({Status(401, std::string(R"({"error":{"message":"Incorrect API key provided: )") +
                          kApiKey + R"(","code":"invalid_api_key"}})")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(result.error().message.find("refused the API key"), std::string::npos);
  EXPECT_EQ(result.error().message.find(kApiKey), std::string::npos);
  EXPECT_EQ(fake_.request_count(), 1u);
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="error"} 1)"));
}

TEST_F(OpenAiBackendTest, ContextLengthExceededIsInvalidArgumentWithoutRetry) {
  Script(
      {Status(400, R"({"error":{"message":"This model's maximum context length is 8192 tokens.",)"
                   R"("type":"invalid_request_error","param":"messages",)"
                   R"("code":"context_length_exceeded"}})")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message.find("context"), std::string::npos) << result.error().message;
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiBackendTest, ContextOverflowIsNotRetriedEvenBehindA5xx) {
  // Some servers (older llama.cpp) report the overflow as a 500: retrying cannot help.
  Script({Status(500, R"({"error":{"code":500,"message":"the request exceeds the available )"
                      R"(context size, try increasing it","type":"exceed_context_size_error"}})")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiBackendTest, OtherClientErrorsCarryTheServersMessage) {
  const std::string long_tail(1000, 'x');
  Script({Status(404, std::string(R"({"error":{"message":"model 'story-model' not found, key )") +
                          kApiKey + " " + long_tail + R"("}})")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(result.error().message.find("model 'story-model' not found"), std::string::npos);
  EXPECT_EQ(result.error().message.find(kApiKey), std::string::npos);
  EXPECT_LT(result.error().message.size(), 420u);  // the server's part is cut at 300
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiBackendTest, MalformedJsonIsAnErrorWithoutRetry) {
  Script({http::JsonResponse(200, R"({"choices": [{"message": )")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("malformed JSON"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(fake_.request_count(), 1u);
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="error"} 1)"));
}

TEST_F(OpenAiBackendTest, MissingContentIsAnError) {
  Script({http::JsonResponse(200, R"({"choices":[{"message":{"role":"assistant"}}]})")});
  auto result = GenerateAndWait(Backend(), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("content"), std::string::npos) << result.error().message;
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiBackendTest, OversizedAnswerIsAborted) {
  Script({Ok(std::string(64 * 1024, 'a'))});
  OpenAiOptions options = Options();
  options.max_response_bytes = 4096;
  auto result = GenerateAndWait(Backend(options), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("larger than 4096 bytes"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiBackendTest, ConnectionRefusedIsUnavailable) {
  OpenAiOptions options = Options();
  {
    FakeHttpServer gone;  // a port that was just free, and is closed again
    options.base_url = gone.base_url() + "/v1";
  }
  options.max_retries = 1;
  const auto start = Clock::now();
  auto result = GenerateAndWait(Backend(options), Request());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("2 attempts"), std::string::npos) << result.error().message;
  EXPECT_LT(SecondsSince(start), 3.0);
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="retry"} 1)"));
}

TEST_F(OpenAiBackendTest, StoppingAnswersPendingRequests) {
  fake_.On("POST", kRoute,
           [this](const http::ExchangePtr& ex) { fake_.ReplyAfter(ex, 10s, Ok()); });
  auto promise = std::make_shared<std::promise<Result<Story>>>();
  auto future = promise->get_future();
  Backend().Generate(Request(),
                     [promise](Result<Story> result) { promise->set_value(std::move(result)); });
  while (fake_.request_count() == 0 && future.wait_for(10ms) != std::future_status::ready) {
  }
  const auto start = Clock::now();
  backend_.reset();
  EXPECT_LT(SecondsSince(start), 1.0);
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  auto result = future.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
}

TEST_F(OpenAiBackendTest, FailedAttemptsAreLoggedWithTraceIdButNoKey) {
  Script({Status(502, std::string(R"({"error":{"message":"bad gateway for )") + kApiKey + R"("}})"),
          Ok()});
  test::TempDir dir;
  auto logger = Logger::Open({dir.path(), LogLevel::kWarn, false});
  ASSERT_TRUE(logger.ok()) << logger.error().message;
  {
    OpenAiBackend backend(Options(), *logger.value(), metrics_);
    auto result = GenerateAndWait(backend, Request());
    ASSERT_TRUE(result.ok()) << result.error().message;
  }
  logger.value()->Flush();

  std::ifstream file(dir.File("storybot.ndjson"));
  std::string line;
  int warnings = 0;
  while (std::getline(file, line)) {
    EXPECT_EQ(line.find(kApiKey), std::string::npos) << line;
    EXPECT_EQ(line.find("Bearer"), std::string::npos) << line;
    const boost::json::object entry = boost::json::parse(line).as_object();
    if (entry.at("message").as_string() != "LLM request attempt failed") continue;
    ++warnings;
    EXPECT_EQ(entry.at("log.level").as_string(), "warn");
    EXPECT_EQ(entry.at("trace.id").as_string(), "trace-abc-123");
    EXPECT_EQ(entry.at("http.response.status_code").to_number<int>(), 502);
    EXPECT_EQ(entry.at("storybot.llm.attempt").to_number<int>(), 1);
    EXPECT_NE(entry.at("error.message").as_string().find("bad gateway"), std::string::npos);
  }
  EXPECT_EQ(warnings, 1);
}

TEST_F(OpenAiBackendTest, TwoHundredConcurrentRequestsShareOneLoop) {
  constexpr int kRequests = 200;
  fake_.On("POST", kRoute,
           [this](const http::ExchangePtr& ex) { fake_.ReplyAfter(ex, 200ms, Ok()); });
  OpenAiBackend& backend = Backend();

  // Shared with the callbacks, which may outlive this scope if the wait below gives up.
  struct Tally {
    std::mutex mutex;
    std::condition_variable all_done;
    int done = 0;
    int ok = 0;
  };
  auto tally = std::make_shared<Tally>();
  const auto start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    StoryRequest request = Request();
    request.trace_id = "concurrent-" + std::to_string(i);
    backend.Generate(std::move(request), [tally](Result<Story> result) {
      std::lock_guard lock(tally->mutex);
      ++tally->done;
      if (result.ok()) ++tally->ok;
      tally->all_done.notify_all();
    });
  }
  {
    std::unique_lock lock(tally->mutex);
    ASSERT_TRUE(tally->all_done.wait_for(lock, 20s, [&] { return tally->done == kRequests; }))
        << tally->done << " of " << kRequests << " done";
  }
  const double took = SecondsSince(start);
  EXPECT_EQ(tally->ok, kRequests);
  EXPECT_LT(took, 5.0);  // one at a time would take 40 s
  EXPECT_EQ(fake_.request_count(), static_cast<std::size_t>(kRequests));
  EXPECT_TRUE(MetricsHave(R"(storybot_llm_requests_total{outcome="success"} 200)"));
  std::printf("200 concurrent stories (200 ms each) took %.2f s\n", took);
}

// The wire helpers, without a server.
TEST(OpenAiWire, RetryAfterForms) {
  const auto now = std::chrono::system_clock::from_time_t(1700000000);
  EXPECT_EQ(openai::ParseRetryAfter("250", "", now), 250ms);
  EXPECT_EQ(openai::ParseRetryAfter("", "3", now), 3000ms);
  EXPECT_EQ(openai::ParseRetryAfter("", "1.5", now), 1500ms);
  EXPECT_EQ(openai::ParseRetryAfter("", "-4", now), 0ms);
  // 1700000000 is Tue, 14 Nov 2023 22:13:20 GMT.
  EXPECT_EQ(openai::ParseRetryAfter("", "Tue, 14 Nov 2023 22:13:30 GMT", now), 10000ms);
  EXPECT_EQ(openai::ParseRetryAfter("", "Tue, 14 Nov 2023 22:13:00 GMT", now), 0ms);
  EXPECT_EQ(openai::ParseRetryAfter("", "", now), std::nullopt);
  EXPECT_EQ(openai::ParseRetryAfter("soon", "later", now), std::nullopt);
}

TEST(OpenAiWire, BackoffDoublesUpToEightSeconds) {
  EXPECT_EQ(openai::BackoffDelay(0), 500ms);
  EXPECT_EQ(openai::BackoffDelay(1), 1000ms);
  EXPECT_EQ(openai::BackoffDelay(4), 8000ms);
  EXPECT_EQ(openai::BackoffDelay(30), 8000ms);
}

TEST(OpenAiWire, ContextLengthDetection) {
  EXPECT_TRUE(openai::IsContextLengthError(
      R"({"object":"error","message":"This model's maximum context length is 4096 tokens. )"
      R"(However, you requested 5000 tokens.","type":"BadRequestError","code":400})"));
  EXPECT_TRUE(openai::IsContextLengthError(R"({"error":{"code":"context_length_exceeded"}})"));
  EXPECT_FALSE(openai::IsContextLengthError(R"({"error":{"message":"model not found"}})"));
  EXPECT_FALSE(openai::IsContextLengthError("not json"));
}

TEST(OpenAiWire, RetryableStatuses) {
  for (long status : {408L, 409L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_TRUE(openai::IsRetryableStatus(status)) << status;
  }
  for (long status : {200L, 400L, 401L, 403L, 404L, 422L}) {
    EXPECT_FALSE(openai::IsRetryableStatus(status)) << status;
  }
}

}  // namespace
}  // namespace storybot
