#pragma once
// One outbound HTTP request and its answer, as plain values: what every client (Telegram Bot
// API, Slack Web API, the LLM backend, webhook callbacks) hands to an HttpTransport
// (core/net/http_transport.h). Never follows redirects (a 3xx is an answer), only http and https,
// connect and total deadlines, a capped response body.
#include <atomic>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace storybot {

struct HttpCall {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long connect_timeout_ms = 5000;
  long timeout_ms = 30000;
  std::size_t max_response_bytes = 1 << 20;
  // Past max_response_bytes: false fails the call ("response body too large"); true keeps the
  // first bytes and still reports the status (callbacks only read the status).
  bool truncate_body = false;
  const std::atomic<bool>* cancel = nullptr;  // set to true: the call ends within ~100 ms
  // Name pins ("host:port:addr[,addr]", CURLOPT_RESOLVE): the host is not looked up again, so a
  // second DNS answer cannot move the call (webhook callbacks' SSRF rules).
  std::vector<std::string> resolve;
  bool no_proxy = false;  // never through an environment proxy (http_proxy and friends)
  std::string user_agent;
  bool accept_encoding = false;  // offer gzip/deflate/br and decode the answer
  bool tcp_keepalive = false;
};

struct HttpCallResult {
  long status = 0;                             // 0: no HTTP answer (see error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // transport error; never holds the URL (it may carry a token)
  // libcurl's longer message (it may name the host and port, never the path): only for clients
  // whose URL holds no secret.
  std::string detail;
  bool timed_out = false;
  bool too_large = false;  // the body passed max_response_bytes (and truncate_body was off)
  // A network failure worth another attempt: name lookup, connect, timeout, send/receive, TLS
  // handshake, an empty or cut answer. False for a bad URL, a cancel or a too large body.
  bool retryable = false;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// The call with libcurl, blocking (HttpTransport::Real() uses it; tests' own HTTP client too).
HttpCallResult Perform(const HttpCall& call);

}  // namespace storybot
