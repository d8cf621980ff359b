#include "core/story/openai_backend.h"

#include <curl/curl.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
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

// Connection failures and timeouts are worth another attempt; a bad URL or our own abort is not.
bool IsRetryableCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

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

// Owns the curl multi handle and the loop thread. Everything but Submit() and the destructor runs
// on the loop thread, so transfers and timers need no lock.
class OpenAiBackend::Loop {
 public:
  Loop(OpenAiOptions options, Logger& logger, Metrics& metrics, Clock& clock)
      : options_(std::move(options)),
        url_(StripTrailingSlash(options_.base_url) + "/chat/completions"),
        logger_(logger),
        metrics_(metrics),
        clock_(clock),
        multi_(curl_multi_init()),
        rng_(std::random_device{}()) {
    if (multi_ != nullptr) thread_ = std::thread([this] { Run(); });
  }

  ~Loop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    if (multi_ == nullptr) return;
    curl_multi_wakeup(multi_);
    thread_.join();
    curl_multi_cleanup(multi_);
  }

  void Submit(StoryRequest request, StoryCallback done) {
    Pending pending{request.trace_id, openai::BuildRequestBody(request, options_.model),
                    std::move(done)};
    {
      std::lock_guard lock(mutex_);
      if (!stopping_ && multi_ != nullptr) {
        queue_.push_back(std::move(pending));
        pending.done = nullptr;
      }
    }
    if (pending.done) {
      pending.done(Unavailable("the LLM backend is not running"));
      return;
    }
    curl_multi_wakeup(multi_);
  }

 private:
  struct Pending {
    std::string trace_id;
    std::string body;
    StoryCallback done;
  };

  // One story request across its attempts; the easy handle is reused for retries.
  struct Transfer {
    ~Transfer() {
      if (easy != nullptr) curl_easy_cleanup(easy);
      curl_slist_free_all(headers);
    }
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string trace_id;
    std::string body;  // CURLOPT_POSTFIELDS points here
    StoryCallback done;
    int attempt = 0;  // attempts started, 1-based once running
    bool in_multi = false;
    // Per attempt:
    std::string response;
    std::string retry_after_ms;
    std::string retry_after;
    bool too_large = false;
    std::size_t max_bytes = 0;
    char error[CURL_ERROR_SIZE] = {};
  };

  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->response.size() + n > t->max_bytes) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.append(data, n);
    return n;
  }

  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (e.g. after 100 Continue)
      t->retry_after_ms.clear();
      t->retry_after.clear();
      return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    const std::string name = openai::Lower(openai::Trim(line.substr(0, colon)));
    const std::string_view value = openai::Trim(line.substr(colon + 1));
    if (name == "retry-after-ms") t->retry_after_ms = std::string(value);
    if (name == "retry-after") t->retry_after = std::string(value);
    return n;
  }

  void Run() {
    std::vector<Pending> incoming;
    while (true) {
      {
        std::lock_guard lock(mutex_);
        incoming.swap(queue_);
        if (stopping_) break;
      }
      for (Pending& pending : incoming) Start(std::move(pending));
      incoming.clear();
      FireDueTimers();
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg == CURLMSG_DONE) OnDone(message->easy_handle, message->data.result);
      }
      curl_multi_poll(multi_, nullptr, 0, PollTimeoutMs(), nullptr);
    }
    FailAll(std::move(incoming));
  }

  void Start(Pending pending) {
    auto transfer = std::make_unique<Transfer>();
    Transfer& t = *transfer;
    t.trace_id = std::move(pending.trace_id);
    t.body = std::move(pending.body);
    t.done = std::move(pending.done);
    t.max_bytes = options_.max_response_bytes;
    t.easy = curl_easy_init();
    if (t.easy == nullptr) {
      metrics_.CountLlmRequest("error");
      return Deliver(t, Unavailable("cannot create an HTTP request (curl)"));
    }

    t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
    t.headers = curl_slist_append(t.headers, "Accept: application/json");
    t.headers = curl_slist_append(t.headers, "Expect:");  // no 100-continue round trip
    if (!options_.api_key.empty()) {
      const std::string auth = "Authorization: Bearer " + options_.api_key;
      t.headers = curl_slist_append(t.headers, auth.c_str());
    }
    if (IsSafeHeaderValue(t.trace_id)) {
      t.headers = curl_slist_append(t.headers, ("X-Trace-Id: " + t.trace_id).c_str());
    }
    const std::string user_agent = std::string("storybot/") + kVersion;
    CURL* e = t.easy;
    curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout_s));
    curl_easy_setopt(e, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_s));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Loop::OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Loop::OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    transfers_.emplace(e, std::move(transfer));
    Attempt(t);
  }

  void Attempt(Transfer& t) {
    t.response.clear();
    t.retry_after_ms.clear();
    t.retry_after.clear();
    t.too_large = false;
    t.error[0] = '\0';
    ++t.attempt;
    const CURLMcode rc = curl_multi_add_handle(multi_, t.easy);
    if (rc != CURLM_OK) {
      metrics_.CountLlmRequest("error");
      return Finish(
          t, Unavailable(std::string("cannot start the LLM request: ") + curl_multi_strerror(rc)));
    }
    t.in_multi = true;
  }

  void OnDone(CURL* easy, CURLcode code) {
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) return;
    Transfer& t = *it->second;
    curl_multi_remove_handle(multi_, easy);
    t.in_multi = false;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);

    if (code != CURLE_OK) {
      if (t.too_large) {
        return Failed(t, status,
                      Unavailable("the LLM server's answer is larger than " +
                                  std::to_string(options_.max_response_bytes) + " bytes"),
                      false);
      }
      const std::string detail = t.error[0] != '\0' ? t.error : curl_easy_strerror(code);
      return Failed(t, 0, Unavailable("cannot reach the LLM server: " + detail),
                    IsRetryableCurlCode(code));
    }
    if (status >= 200 && status <= 299) {
      Result<Story> story = openai::ParseResponse(t.response);
      if (!story.ok()) return Failed(t, status, story.error(), false);
      metrics_.CountLlmRequest("success");
      metrics_.CountLlmTokens("prompt", story.value().prompt_tokens);
      metrics_.CountLlmTokens("completion", story.value().completion_tokens);
      logger_.Log(LogLevel::kDebug, "LLM story written",
                  {{"storybot.llm.attempt", static_cast<std::int64_t>(t.attempt)},
                   {"storybot.llm.prompt_tokens", story.value().prompt_tokens},
                   {"storybot.llm.completion_tokens", story.value().completion_tokens}},
                  t.trace_id);
      return Finish(t, std::move(story));
    }
    if (status >= 300 && status <= 399) {
      return Failed(t, status,
                    Unavailable("the LLM server answered with a redirect (HTTP " +
                                std::to_string(status) + "); check the base URL"),
                    false);
    }
    // A context overflow stays an overflow however often we ask, whatever the status says.
    const bool retryable =
        openai::IsRetryableStatus(status) && !openai::IsContextLengthError(t.response);
    Failed(t, status, openai::ClassifyHttpError(status, t.response, options_.api_key), retryable);
  }

  // One attempt failed: retry after a delay when allowed, else answer with the error.
  void Failed(Transfer& t, long status, Error error, bool retryable) {
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
      timers_.push({clock_.SteadyNow() + RetryDelay(t), t.easy});
      return;
    }
    metrics_.CountLlmRequest("error");
    if (retryable) {
      error = Unavailable("no answer from the LLM server after " + std::to_string(t.attempt) +
                          (t.attempt == 1 ? " attempt" : " attempts") + "; last: " + error.message);
    }
    Finish(t, std::move(error));
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
      CURL* easy = timers_.top().second;
      timers_.pop();
      auto it = transfers_.find(easy);
      if (it != transfers_.end()) Attempt(*it->second);
    }
  }

  // Until the next retry is due, at most 1 s; curl shortens it for its own timeouts.
  int PollTimeoutMs() const {
    if (timers_.empty()) return 1000;
    const auto wait =
        std::chrono::ceil<std::chrono::milliseconds>(timers_.top().first - clock_.SteadyNow());
    return static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 1000));
  }

  // Removes the transfer, then calls back: the callback may Submit() again safely.
  void Finish(Transfer& t, Result<Story> result) {
    auto node = transfers_.extract(t.easy);
    StoryCallback done = std::move(t.done);
    if (t.in_multi) curl_multi_remove_handle(multi_, t.easy);
    node = {};
    Deliver(std::move(done), std::move(result));
  }

  void Deliver(Transfer& t, Result<Story> result) { Deliver(std::move(t.done), std::move(result)); }

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
    std::vector<CURL*> easies;
    easies.reserve(transfers_.size());
    for (auto& [easy, transfer] : transfers_) easies.push_back(easy);
    for (CURL* easy : easies) {
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) continue;
      metrics_.CountLlmRequest("error");
      Finish(*it->second, stopping);
    }
  }

  const OpenAiOptions options_;
  const std::string url_;
  Logger& logger_;
  Metrics& metrics_;
  Clock& clock_;
  CURLM* const multi_;

  std::mutex mutex_;
  std::vector<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_

  // Loop thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  using Timer = std::pair<Clock::SteadyTime, CURL*>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::mt19937_64 rng_;

  std::thread thread_;  // last: starts once everything above exists
};

OpenAiBackend::OpenAiBackend(OpenAiOptions options, Logger& logger, Metrics& metrics, Clock& clock)
    : loop_(std::make_unique<Loop>(std::move(options), logger, metrics, clock)) {}

OpenAiBackend::~OpenAiBackend() = default;

void OpenAiBackend::Generate(StoryRequest request, StoryCallback done) {
  loop_->Submit(std::move(request), std::move(done));
}

}  // namespace storybot
