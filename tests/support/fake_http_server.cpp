#include "tests/support/fake_http_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

namespace storybot::test {

FakeHttpServer::FakeHttpServer() {
  auto logger = Logger::Open({"", LogLevel::kError, false});
  if (!logger.ok()) {
    ADD_FAILURE() << "fake server logger: " << logger.error().message;
    return;
  }
  logger_ = logger.value();
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  options.shutdown_grace = std::chrono::seconds(1);  // tests must not wait on slow clients
  server_ = std::make_unique<http::Server>(
      options, [this](const http::ExchangePtr& ex) { Dispatch(ex); }, *logger_);
  auto port = server_->Listen();
  if (!port.ok()) {
    ADD_FAILURE() << "fake server cannot listen: " << port.error().message;
    server_.reset();
    return;
  }
  port_ = port.value();
  serve_thread_ = std::thread([this] { server_->Run(); });
  timer_thread_ = std::thread([this] { RunTimers(); });
}

FakeHttpServer::~FakeHttpServer() { Stop(); }

void FakeHttpServer::On(std::string method, std::string pattern, Handler handler) {
  std::lock_guard lock(mutex_);
  router_.Add(std::move(method), std::move(pattern), http::Auth::kNone, std::move(handler));
}

void FakeHttpServer::ReplyAfter(const http::ExchangePtr& exchange, std::chrono::milliseconds delay,
                                http::Response response) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    delayed_.push_back({std::chrono::steady_clock::now() + delay, exchange, std::move(response)});
  }
  timers_changed_.notify_all();
}

std::string FakeHttpServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeHttpServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void FakeHttpServer::Dispatch(const http::ExchangePtr& exchange) {
  const http::Request& request = exchange->request();
  Handler handler;
  std::string allow;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(
        {request.method, request.path, request.query, request.headers, request.body});
    http::Router::Match match = router_.Find(request.method, request.path);
    if (match.route != nullptr) {
      handler = match.route->handler;
      exchange->route = match.route->pattern;
      exchange->params = std::move(match.params);
    }
    for (const std::string& method : match.allowed) allow += (allow.empty() ? "" : ", ") + method;
  }
  if (exchange->early_error) {
    const http::EarlyError& e = *exchange->early_error;
    return exchange->Reply(http::ErrorResponse(e.status, e.code, e.message, ""));
  }
  if (!handler) {
    if (!allow.empty()) {
      http::Response response = http::ErrorResponse(405, "method_not_allowed", "not allowed", "");
      response.Set("Allow", allow);
      return exchange->Reply(std::move(response));
    }
    return exchange->Reply(
        http::ErrorResponse(404, "not_found", "no fake route for " + request.path, ""));
  }
  handler(exchange);
}

void FakeHttpServer::RunTimers() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (delayed_.empty()) {
      timers_changed_.wait(lock);
      continue;
    }
    auto next = std::min_element(delayed_.begin(), delayed_.end(),
                                 [](const Delayed& a, const Delayed& b) { return a.due < b.due; });
    if (next->due > std::chrono::steady_clock::now()) {
      // A copy: wait_until reads the time while the lock is released, and a ReplyAfter in
      // between may reallocate delayed_ (AddressSanitizer caught the dangling reference).
      const auto due_at = next->due;
      timers_changed_.wait_until(lock, due_at);
      continue;
    }
    Delayed due = std::move(*next);
    delayed_.erase(next);
    lock.unlock();
    due.exchange->Reply(std::move(due.response));
    due = {};
    lock.lock();
  }
}

void FakeHttpServer::Stop() {
  std::vector<Delayed> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    dropped.swap(delayed_);
  }
  timers_changed_.notify_all();
  if (timer_thread_.joinable()) timer_thread_.join();
  // Unanswered exchanges hold their connections: let go of them before the server drains.
  dropped.clear();
  if (server_) server_->Shutdown();
  if (serve_thread_.joinable()) serve_thread_.join();
  server_.reset();
}

}  // namespace storybot::test
