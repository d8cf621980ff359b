#pragma once
// The one outbound HTTP interface. Every client (channels/telegram/bot_api.h,
// channels/slack/web_api.h, channels/webhook/callback_client.h, core/story/openai_backend.h)
// sends its requests through an HttpTransport, so unit tests swap in
// tests/support/fake_transport.h (scripted answers, recorded requests) instead of a server.
// Transport errors are values (HttpCallResult::status 0 and error), never exceptions.
#include <functional>
#include <memory>

#include "core/net/http_call.h"

namespace storybot {

class HttpTransport {
 public:
  using Done = std::function<void(HttpCallResult)>;
  virtual ~HttpTransport() = default;

  // Blocks until the answer, a transport error, a deadline or `call.cancel`. For clients that
  // run on their own worker threads (Telegram, Slack, webhook callbacks). Thread-safe.
  virtual HttpCallResult Call(const HttpCall& call) = 0;
  // Returns at once; `done` runs exactly once, later, on the transport's own thread, which it
  // must not block (the LLM backend keeps thousands of requests in flight this way).
  // Thread-safe.
  virtual void Start(HttpCall call, Done done) = 0;

  // libcurl, for the whole program (never destroyed); its Start() thread begins on first use.
  static HttpTransport& Real();
};

// libcurl: Call() on the caller's thread (easy interface), Start() on one loop thread (multi
// interface) that this object owns.
class CurlTransport final : public HttpTransport {
 public:
  CurlTransport();
  // Ends the loop; calls still in flight or queued are answered (status 0, "the HTTP client is
  // stopping") before it returns.
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpCallResult Call(const HttpCall& call) override;
  void Start(HttpCall call, Done done) override;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace storybot
