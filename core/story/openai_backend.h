#pragma once
// The OpenAI-compatible chat-completions backend (OpenAI, Ollama's /v1, llama.cpp's server, vLLM).
//
// Non-blocking: requests go out through HttpTransport::Start (core/net/http_transport.h; by
// default the backend's own CurlTransport, one libcurl multi loop), and one background thread
// handles the answers; Generate() only queues the request, so thousands of stories can be in
// flight without a thread each. Callbacks run on that thread and must not block it. Retries
// (408, 409, 429, 5xx, connection errors, timeouts) are timers inside the same loop, never
// sleeping threads.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/net/http_transport.h"
#include "core/result.h"
#include "core/story/story.h"

namespace storybot {

struct OpenAiOptions {
  std::string base_url;  // e.g. http://127.0.0.1:11434/v1; "/chat/completions" is appended
  std::string api_key;   // empty: no Authorization header (local servers)
  std::string model;
  int timeout_s = 60;                        // per attempt, whole transfer
  int connect_timeout_s = 10;                // per attempt
  int max_retries = 2;                       // so at most 3 attempts
  int max_retry_after_s = 120;               // cap on a server's Retry-After / retry-after-ms
  std::size_t max_response_bytes = 4 << 20;  // the transfer is aborted past it
};

class OpenAiBackend final : public StoryBackend {
 public:
  // Starts the loop thread. `logger`, `metrics`, `transport` and `clock` must outlive the
  // backend; a null `transport` means a CurlTransport of its own (tests pass
  // tests/support/fake_transport.h). Retry delays (backoff, Retry-After) are timed on `clock`.
  OpenAiBackend(OpenAiOptions options, Logger& logger, Metrics& metrics,
                HttpTransport* transport = nullptr, Clock& clock = Clock::Real());
  // Stops the loop; requests still pending are answered with kUnavailable before it returns.
  ~OpenAiBackend() override;
  OpenAiBackend(const OpenAiBackend&) = delete;
  OpenAiBackend& operator=(const OpenAiBackend&) = delete;

  std::string_view name() const override { return "openai"; }
  // Thread-safe; never blocks on the network. `done` runs on the loop thread (or on the caller's
  // thread when the backend is already stopping).
  void Generate(StoryRequest request, StoryCallback done) override;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

// The wire format, as pure functions (exposed for unit tests).
namespace openai {

// The chat-completions request body: model, messages (system, history..., user), max_tokens,
// temperature. An empty system prompt is left out.
std::string BuildRequestBody(const StoryRequest& request, std::string_view model);

// choices[0].message.content, usage and finish_reason of a 2xx body. Malformed JSON or a
// missing/empty content is kUnavailable with a message saying what was wrong.
Result<Story> ParseResponse(std::string_view body);

// True for the statuses worth another attempt: 408, 409, 429 and 5xx.
bool IsRetryableStatus(long status);

// True when an error body says the prompt did not fit the model's context (OpenAI's
// context_length_exceeded, vLLM's and llama.cpp's messages), whatever the status.
bool IsContextLengthError(std::string_view body);

// The Error for a final non-2xx answer. Never holds `api_key`.
Error ClassifyHttpError(long status, std::string_view body, std::string_view api_key);

// The server's requested delay: `retry_after_ms` (milliseconds) first, else `retry_after`
// (seconds or an HTTP date, relative to `now`). Empty when absent or unparsable; negative
// delays become zero.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view retry_after_ms,
                                                         std::string_view retry_after,
                                                         std::chrono::system_clock::time_point now);

// Exponential backoff before retry number `retry` (0-based): min(0.5 * 2^retry, 8) seconds.
std::chrono::milliseconds BackoffDelay(int retry);

}  // namespace openai
}  // namespace storybot
