#pragma once
// An in-process HttpTransport (core/net/http_transport.h) for unit tests: answers come from a
// script (in order; then a default answer), every request is recorded. Start() answers on the
// caller's thread before it returns. Thread-safe.
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/net/http_transport.h"

namespace storybot::test {

class FakeTransport final : public HttpTransport {
 public:
  // A status and body; headers with lower-case names.
  static HttpCallResult Answer(long status, std::string body,
                               std::map<std::string, std::string> headers = {}) {
    HttpCallResult r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
  }
  // No HTTP answer: a network error worth retrying.
  static HttpCallResult NetworkError(std::string error = "Couldn't connect to server") {
    HttpCallResult r;
    r.error = std::move(error);
    r.retryable = true;
    return r;
  }

  // Queues the next answer.
  void Push(HttpCallResult answer) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(answer));
  }
  // The answer once the script is used up (default: 200 with an empty body).
  void SetDefault(HttpCallResult answer) {
    std::lock_guard lock(mutex_);
    default_ = std::move(answer);
  }
  // Runs for every request before it is answered (e.g. to advance a fake clock).
  void OnRequest(std::function<void(const HttpCall&)> hook) {
    std::lock_guard lock(mutex_);
    hook_ = std::move(hook);
  }

  HttpCallResult Call(const HttpCall& call) override {
    std::function<void(const HttpCall&)> hook;
    HttpCallResult answer;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(call);
      hook = hook_;
      if (script_.empty()) {
        answer = default_;
      } else {
        answer = std::move(script_.front());
        script_.pop_front();
      }
    }
    if (hook) hook(call);
    return answer;
  }
  void Start(HttpCall call, Done done) override { done(Call(call)); }

  std::vector<HttpCall> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  // The value of header `name` (as sent) in `call`, empty when absent.
  static std::string Header(const HttpCall& call, const std::string& name) {
    for (const auto& [n, v] : call.headers) {
      if (n == name) return v;
    }
    return {};
  }

 private:
  mutable std::mutex mutex_;
  std::deque<HttpCallResult> script_;
  HttpCallResult default_ = Answer(200, "");
  std::function<void(const HttpCall&)> hook_;
  std::vector<HttpCall> requests_;
};

}  // namespace storybot::test
