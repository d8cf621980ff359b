#pragma once
// The HTTP/1.1 server on Boost.Beast. Beast stays inside server.cpp; callers see plain values.
//
// Every connection runs on its own strand with keep-alive, a header size limit, a body limit
// (413 past it) and deadlines on every read. Shutdown is graceful: stop accepting, close idle
// connections, let in-flight requests finish within `shutdown_grace`, then return from Run().
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/logging.h"
#include "core/result.h"
#include "http/exchange.h"

namespace storybot::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  int threads = 1;
  std::size_t body_limit = 1024 * 1024;
  std::uint32_t header_limit = 16 * 1024;
  std::chrono::seconds idle_timeout{60};     // waiting for the next request on a connection
  std::chrono::seconds header_timeout{10};   // the rest of the header once a request began
  std::chrono::seconds request_timeout{30};  // reading the body; writing the response
  std::chrono::seconds shutdown_grace{10};
};

class Server {
 public:
  // `handle` is called for every request on an I/O thread; it must not block. `logger` must
  // outlive the server.
  Server(ServerOptions options, std::function<void(const ExchangePtr&)> handle, Logger& logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port (useful with port 0).
  Result<std::uint16_t> Listen();

  // From now on SIGINT and SIGTERM start the graceful shutdown (call before announcing the
  // server, so that an early signal is never lost).
  void StopOnSignals();

  // Serves on `threads` threads (the caller's included) until Shutdown() or a signal; returns
  // after the graceful drain.
  void Run();

  // Starts the graceful shutdown; thread-safe, idempotent.
  void Shutdown();

  struct Impl;  // defined in server.cpp; public only so that its connections can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace storybot::http
