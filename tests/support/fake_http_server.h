#pragma once
// A fake HTTP peer for tests (an LLM server, the Telegram Bot API, Slack...), built on storybot's
// own http::Server and http::Router. Listens on 127.0.0.1 on a free port and serves on its own
// thread from construction until Stop() or destruction.
//
// Handlers run on the server's I/O thread and must not block: to answer late, use ReplyAfter(),
// whose pending replies are dropped by Stop() so that it never waits for them. A handler that
// keeps an ExchangePtr elsewhere must let go of it before Stop().
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/logging.h"
#include "http/exchange.h"
#include "http/message.h"
#include "http/router.h"
#include "http/server.h"

namespace storybot::test {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string query;
  http::Headers headers;
  std::string body;
  std::string_view Header(std::string_view name) const { return http::FindHeader(headers, name); }
};

class FakeHttpServer {
 public:
  using Handler = std::function<void(const http::ExchangePtr&)>;

  // Starts listening and serving; reports a test failure (ADD_FAILURE) when the port cannot be
  // bound.
  FakeHttpServer();
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  // Routes `method` + `pattern` (http::Router syntax, e.g. "/bot{token}/sendMessage") to
  // `handler`. Thread-safe; may be called while serving. Unrouted requests get a JSON 404.
  void On(std::string method, std::string pattern, Handler handler);

  // Answers `exchange` with `response` after `delay`, from a timer thread.
  void ReplyAfter(const http::ExchangePtr& exchange, std::chrono::milliseconds delay,
                  http::Response response);

  std::string base_url() const;  // http://127.0.0.1:PORT, no trailing slash
  std::uint16_t port() const { return port_; }

  // Copies of every request received so far, in arrival order. Thread-safe.
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;

  // Drops pending delayed replies, stops serving and joins the threads. Idempotent.
  void Stop();

 private:
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    http::ExchangePtr exchange;
    http::Response response;
  };

  void Dispatch(const http::ExchangePtr& exchange);
  void RunTimers();

  std::shared_ptr<Logger> logger_;

  mutable std::mutex mutex_;
  http::Router router_;                    // guarded by mutex_
  std::vector<RecordedRequest> requests_;  // guarded by mutex_
  std::vector<Delayed> delayed_;           // guarded by mutex_
  bool stopping_ = false;                  // guarded by mutex_
  std::condition_variable timers_changed_;

  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread serve_thread_;
  std::thread timer_thread_;
};

}  // namespace storybot::test
