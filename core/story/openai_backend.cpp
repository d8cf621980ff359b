#include "core/story/openai_backend.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storybot/version.h"

namespace storybot {
namespace openai {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxServerMessage = 300;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view StringField(const json::object* object, std::string_view key) {
  if (object == nullptr) return {};
  const json::value* value = object->if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return value->get_string();
}

std::int64_t IntField(const json::object* object, std::string_view key) {
  if (object == nullptr) return 0;
  const json::value* value = object->if_contains(key);
  if (value == nullptr) return 0;
  if (const auto* i = value->if_int64()) return *i;
  if (const auto* u = value->if_uint64()) return static_cast<std::int64_t>(*u);
  if (const auto* d = value->if_double()) return static_cast<std::int64_t>(*d);
  return 0;
}

// What an error body says, wherever the server put it: OpenAI/vLLM {"error":{"message","type",
// "code"}}, some servers {"error":"text"} or {"message"}/{"detail"}. Non-JSON bodies are text.
struct ServerError {
  std::string message;
  std::string type;
  std::string code;
};

ServerError ParseServerError(std::string_view body) {
  ServerError out;
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  const json::object* root = ec ? nullptr : doc.if_object();
  if (root == nullptr) {
    out.message = std::string(Trim(body));
    return out;
  }
  const json::value* error = root->if_contains("error");
  if (error != nullptr && error->is_object()) {
    const json::object* e = &error->get_object();
    out.message = std::string(StringField(e, "message"));
    out.type = std::string(StringField(e, "type"));
    out.code = std::string(StringField(e, "code"));
  } else if (error != nullptr && error->is_string()) {
    out.message = std::string(error->get_string());
  }
  if (out.message.empty()) out.message = std::string(StringField(root, "message"));
  if (out.message.empty()) out.message = std::string(StringField(root, "detail"));
  if (out.type.empty()) out.type = std::string(StringField(root, "type"));
  if (out.code.empty()) out.code = std::string(StringField(root, "code"));
  return out;
}

// `text` without any occurrence of `secret`, cut to `limit` bytes on a UTF-8 boundary.
std::string SafeExcerpt(std::string text, std::string_view secret, std::size_t limit) {
  if (!secret.empty()) {
    for (std::size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  if (text.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "...";
  }
  return text;
}

bool ParseNumber(std::string_view text, double& out) {
  const std::string copy(Trim(text));
  if (copy.empty()) return false;
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && std::isfinite(out);
}

}  // namespace

std::string BuildRequestBody(const StoryRequest& request, std::string_view model) {
  json::array messages;
  messages.reserve(request.history.size() + 2);
  if (!request.system_prompt.empty()) {
    messages.push_back({{"role", "system"}, {"content", request.system_prompt}});
  }
  for (const ChatTurn& turn : request.history) {
    messages.push_back({{"role", turn.role}, {"content", turn.content}});
  }
  messages.push_back({{"role", "user"}, {"content", request.prompt}});
  json::object body;
  body["model"] = model;
  body["messages"] = std::move(messages);
  body["max_tokens"] = request.max_tokens;
  body["temperature"] = request.temperature;
  return json::serialize(body);
}

Result<Story> ParseResponse(std::string_view body) {
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec) return Unavailable("the LLM server answered with malformed JSON: " + ec.message());
  const json::object* root = doc.if_object();
  if (root == nullptr) return Unavailable("the LLM server's answer is not a JSON object");
  const json::value* choices = root->if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array()[0].is_object()) {
    return Unavailable("the LLM server's answer has no choices[0]");
  }
  const json::object& choice = choices->get_array()[0].get_object();
  const json::value* message = choice.if_contains("message");
  const std::string_view content =
      StringField(message != nullptr ? message->if_object() : nullptr, "content");
  if (content.empty()) {
    return Unavailable("the LLM server's answer has no choices[0].message.content");
  }
  Story story;
  story.text = std::string(content);
  story.engine = "openai";
  story.truncated = StringField(&choice, "finish_reason") == "length";
  const json::value* usage = root->if_contains("usage");
  const json::object* usage_object = usage != nullptr ? usage->if_object() : nullptr;
  story.prompt_tokens = IntField(usage_object, "prompt_tokens");
  story.completion_tokens = IntField(usage_object, "completion_tokens");
  return story;
}

bool IsRetryableStatus(long status) {
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

bool IsContextLengthError(std::string_view body) {
  const ServerError error = ParseServerError(body);
  const std::string code = Lower(error.code);
  const std::string type = Lower(error.type);
  for (const std::string* id : {&code, &type}) {
    // OpenAI: context_length_exceeded; llama.cpp: exceed_context_size_error.
    if (id->find("context_length") != std::string::npos ||
        id->find("context_size") != std::string::npos) {
      return true;
    }
  }
  const std::string message = Lower(error.message);
  for (std::string_view phrase :
       {"context length", "maximum context", "context size", "context window"}) {
    if (message.find(phrase) != std::string::npos) return true;
  }
  return false;
}

Error ClassifyHttpError(long status, std::string_view body, std::string_view api_key) {
  const std::string http = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    return {ErrorCode::kUnauthenticated, "the LLM server refused the API key (" + http + ")"};
  }
  std::string detail = SafeExcerpt(ParseServerError(body).message, api_key, kMaxServerMessage);
  if (detail.empty()) detail = "no error message";
  if (IsContextLengthError(body)) {
    return InvalidArgument("the story request is longer than the model's context (" + http +
                           "): " + detail);
  }
  if (status >= 400 && status <= 499) {
    return InvalidArgument("the LLM server rejected the request (" + http + "): " + detail);
  }
  return Unavailable("the LLM server failed (" + http + "): " + detail);
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view retry_after_ms, std::string_view retry_after,
    std::chrono::system_clock::time_point now) {
  using std::chrono::milliseconds;
  double number = 0;
  if (ParseNumber(retry_after_ms, number)) {
    return milliseconds(static_cast<std::int64_t>(std::clamp(number, 0.0, 1e12)));
  }
  if (ParseNumber(retry_after, number)) {
    return milliseconds(static_cast<std::int64_t>(std::clamp(number, 0.0, 1e9) * 1000));
  }
  const std::string date(Trim(retry_after));
  if (date.empty()) return std::nullopt;
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const auto delay = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(delay));
}

std::chrono::milliseconds BackoffDelay(int retry) {
  const int exponent = std::clamp(retry, 0, 10);
  return std::min(std::chrono::milliseconds(500LL << exponent), std::chrono::milliseconds(8000));
}

}  // namespace openai

namespace {

// A header value we may send as is: printable ASCII, no CR/LF (no header injection).
bool IsSafeHeaderValue(std::string_view value) {
  return !value.empty() && value.size() <= 256 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

std::string StripTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

// Owns the loop thread: requests, answers from the transport and retry timers all reach it as
// events, so transfers need no lock. Requests go out through HttpTransport::Start, whose
// answers come back on the transport's thread and are queued here.
class OpenAiBackend::Loop {
 public:
  Loop(OpenAiOptions options, Logger& logger, Metrics& metrics, HttpTransport* transport,
       Clock& clock)
      : options_(std::move(options)),
        url_(StripTrailingSlash(options_.base_url) + "/chat/completions"),
        logger_(logger),
        metrics_(metrics),
        clock_(clock),
        owned_(transport == nullptr ? std::make_unique<CurlTransport>() : nullptr),
        transport_(transport != nullptr ? *transport : *owned_),
        rng_(std::random_device{}()) {
    thread_ = std::thread([this] { Run(); });
  }

  ~Loop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cancel_ = true;  // calls in flight end within about a second
    wake_.notify_all();
    thread_.join();
    owned_.reset();  // answers whatever it still had in flight
    std::unique_lock lock(mutex_);
    in_flight_zero_.wait(lock, [this] { return in_flight_ == 0; });
  }

  void Submit(StoryRequest request, StoryCallback done) {
    Pending pending{request.trace_id, openai::BuildRequestBody(request, options_.model),
                    std::move(done)};
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back(std::move(pending));
        pending.done = nullptr;
      }
    }
    if (pending.done) {
      pending.done(Unavailable("the LLM backend is not running"));
      return;
    }
    wake_.notify_all();
  }

 private:
  struct Pending {
    std::string trace_id;
    std::string body;
    StoryCallback done;
  };

  // One story request across its attempts.
  struct Transfer {
    std::string trace_id;
    std::string body;
    StoryCallback done;
    int attempt = 0;             // attempts started, 1-based once running
    std::string retry_after_ms;  // of the last answer
    std::string retry_after;
  };

  struct Answer {
    std::uint64_t id;
    HttpCallResult result;
  };

  void Run() {
    std::vector<Pending> incoming;
    std::vector<Answer> answers;
    while (true) {
      {
        std::unique_lock lock(mutex_);
        if (queue_.empty() && answers_.empty() && !stopping_) {
          const Clock::SteadyTime until =
              timers_.empty() ? clock_.SteadyNow() + std::chrono::seconds(1) : timers_.top().first;
          clock_.WaitUntil(wake_, lock, until);
        }
        incoming.swap(queue_);
        answers.swap(answers_);
        if (stopping_) break;
      }
      for (Pending& pending : incoming) Start(std::move(pending));
      incoming.clear();
      for (Answer& answer : answers) OnDone(answer.id, std::move(answer.result));
      answers.clear();
      FireDueTimers();
    }
    FailAll(std::move(incoming));
  }

  void Start(Pending pending) {
    const std::uint64_t id = ++last_id_;
    Transfer& t = transfers_[id];
    t.trace_id = std::move(pending.trace_id);
    t.body = std::move(pending.body);
    t.done = std::move(pending.done);
    Attempt(id, t);
  }

  void Attempt(std::uint64_t id, Transfer& t) {
    ++t.attempt;
    HttpCall call;
    call.url = url_;
    call.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!options_.api_key.empty()) {
      call.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    }
    if (IsSafeHeaderValue(t.trace_id)) call.headers.emplace_back("X-Trace-Id", t.trace_id);
    call.body = t.body;
    call.connect_timeout_ms = options_.connect_timeout_s * 1000L;
    call.timeout_ms = options_.timeout_s * 1000L;
    call.max_response_bytes = options_.max_response_bytes;
    call.cancel = &cancel_;
    call.user_agent = std::string("storybot/") + kVersion;
    call.accept_encoding = true;
    call.tcp_keepalive = true;
    {
      std::lock_guard lock(mutex_);
      ++in_flight_;
    }
    // The answer may come at once (on this thread) or later (on the transport's): either way it
    // is queued and handled by the loop.
    transport_.Start(std::move(call), [this, id](HttpCallResult result) {
      {
        std::lock_guard lock(mutex_);
        answers_.push_back({id, std::move(result)});
        --in_flight_;
        // Under the lock: once in_flight_ is 0 the destructor may free both.
        if (in_flight_ == 0) in_flight_zero_.notify_all();
        wake_.notify_all();
      }
    });
  }

  void OnDone(std::uint64_t id, HttpCallResult answer) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) return;
    Transfer& t = it->second;
    t.retry_after_ms = answer.Header("retry-after-ms");
    t.retry_after = answer.Header("retry-after");
    const long status = answer.status;
    if (status == 0) {
      if (answer.too_large) {
        return Failed(id, t, status,
                      Unavailable("the LLM server's answer is larger than " +
                                  std::to_string(options_.max_response_bytes) + " bytes"),
                      false);
      }
      return Failed(id, t, 0, Unavailable("cannot reach the LLM server: " + answer.detail),
                    answer.retryable);
    }
    if (status >= 200 && status <= 299) {
      Result<Story> story = openai::ParseResponse(answer.body);
      if (!story.ok()) return Failed(id, t, status, story.error(), false);
      metrics_.CountLlmRequest("success");
      metrics_.CountLlmTokens("prompt", story.value().prompt_tokens);
      metrics_.CountLlmTokens("completion", story.value().completion_tokens);
      logger_.Log(LogLevel::kDebug, "LLM story written",
                  {{"storybot.llm.attempt", static_cast<std::int64_t>(t.attempt)},
                   {"storybot.llm.prompt_tokens", story.value().prompt_tokens},
                   {"storybot.llm.completion_tokens", story.value().completion_tokens}},
                  t.trace_id);
      return Finish(id, std::move(story));
    }
    if (status >= 300 && status <= 399) {
      return Failed(id, t, status,
                    Unavailable("the LLM server answered with a redirect (HTTP " +
                                std::to_string(status) + "); check the base URL"),
                    false);
    }
    // A context overflow stays an overflow however often we ask, whatever the status says.
    const bool retryable =
        openai::IsRetryableStatus(status) && !openai::IsContextLengthError(answer.body);
    Failed(id, t, status, openai::ClassifyHttpError(status, answer.body, options_.api_key),
           retryable);
  }

  // One attempt failed: retry after a delay when allowed, else answer with the error.
  void Failed(std::uint64_t id, Transfer& t, long status, Error error, bool retryable) {
    const bool retry = retryable && t.attempt <= options_.max_retries;
    const std::int64_t attempt = t.attempt;
    if (status != 0) {
      logger_.Log(LogLevel::kWarn, "LLM request attempt failed",
                  {{"http.response.status_code", static_cast<std::int64_t>(status)},
                   {"storybot.llm.attempt", attempt},
                   {"storybot.llm.will_retry", retry},
                   {"error.message", std::string_view(error.message)}},
                  t.trace_id);
    } else {
      logger_.Log(LogLevel::kWarn, "LLM request attempt failed",
                  {{"storybot.llm.attempt", attempt},
                   {"storybot.llm.will_retry", retry},
                   {"error.message", std::string_view(error.message)}},
                  t.trace_id);
    }
    if (retry) {
      metrics_.CountLlmRequest("retry");
      timers_.push({clock_.SteadyNow() + RetryDelay(t), id});
      return;
    }
    metrics_.CountLlmRequest("error");
    if (retryable) {
      error = Unavailable("no answer from the LLM server after " + std::to_string(t.attempt) +
                          (t.attempt == 1 ? " attempt" : " attempts") + "; last: " + error.message);
    }
    Finish(id, std::move(error));
  }

  std::chrono::milliseconds RetryDelay(const Transfer& t) {
    using std::chrono::milliseconds;
    const auto hinted = openai::ParseRetryAfter(t.retry_after_ms, t.retry_after, clock_.WallNow());
    if (hinted) return std::min(*hinted, milliseconds(options_.max_retry_after_s * 1000LL));
    const milliseconds base = openai::BackoffDelay(t.attempt - 1);
    // Up to +25% jitter, so that many clients failing together do not retry together.
    std::uniform_int_distribution<std::int64_t> jitter(0, base.count() / 4);
    return base + milliseconds(jitter(rng_));
  }

  void FireDueTimers() {
    const auto now = clock_.SteadyNow();
    while (!timers_.empty() && timers_.top().first <= now) {
      const std::uint64_t id = timers_.top().second;
      timers_.pop();
      auto it = transfers_.find(id);
      if (it != transfers_.end()) Attempt(id, it->second);
    }
  }

  // Removes the transfer, then calls back: the callback may Submit() again safely.
  void Finish(std::uint64_t id, Result<Story> result) {
    auto node = transfers_.extract(id);
    if (node.empty()) return;
    Deliver(std::move(node.mapped().done), std::move(result));
  }

  void Deliver(StoryCallback done, Result<Story> result) {
    if (!done) return;
    try {
      done(std::move(result));
    } catch (const std::exception& e) {
      // A throwing callback must not take the loop (and every other request) down.
      logger_.Log(LogLevel::kError, "story callback threw",
                  {{"error.message", std::string_view(e.what())}});
    } catch (...) {
      logger_.Log(LogLevel::kError, "story callback threw");
    }
  }

  void FailAll(std::vector<Pending> incoming) {
    const Error stopping = Unavailable("the LLM backend is stopping");
    for (Pending& pending : incoming) Deliver(std::move(pending.done), stopping);
    {
      std::lock_guard lock(mutex_);
      for (Pending& pending : queue_) incoming.push_back(std::move(pending));
      queue_.clear();
    }
    for (Pending& pending : incoming) Deliver(std::move(pending.done), stopping);
    std::vector<std::uint64_t> ids;
    ids.reserve(transfers_.size());
    for (auto& [id, transfer] : transfers_) ids.push_back(id);
    for (std::uint64_t id : ids) {
      metrics_.CountLlmRequest("error");
      Finish(id, stopping);
    }
  }

  const OpenAiOptions options_;
  const std::string url_;
  Logger& logger_;
  Metrics& metrics_;
  Clock& clock_;
  std::unique_ptr<CurlTransport> owned_;  // when no transport was given
  HttpTransport& transport_;
  std::atomic<bool> cancel_{false};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable in_flight_zero_;
  std::vector<Pending> queue_;   // guarded by mutex_
  std::vector<Answer> answers_;  // guarded by mutex_
  int in_flight_ = 0;            // guarded by mutex_: Start() calls not answered yet
  bool stopping_ = false;        // guarded by mutex_

  // Loop thread only.
  std::uint64_t last_id_ = 0;
  std::unordered_map<std::uint64_t, Transfer> transfers_;
  using Timer = std::pair<Clock::SteadyTime, std::uint64_t>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::mt19937_64 rng_;

  std::thread thread_;  // last: starts once everything above exists
};

OpenAiBackend::OpenAiBackend(OpenAiOptions options, Logger& logger, Metrics& metrics,
                             HttpTransport* transport, Clock& clock)
    : loop_(std::make_unique<Loop>(std::move(options), logger, metrics, transport, clock)) {}

OpenAiBackend::~OpenAiBackend() = default;

void OpenAiBackend::Generate(StoryRequest request, StoryCallback done) {
  loop_->Submit(std::move(request), std::move(done));
}

}  // namespace storybot
