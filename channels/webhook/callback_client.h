#pragma once
// Outbound callback POSTs with SSRF protection: the host is resolved once, every address is
// checked (ssrf.h), and the call is pinned to those addresses (HttpCall::resolve, i.e.
// CURLOPT_RESOLVE) so a second DNS answer (rebinding) cannot move it. No redirects, no proxies, a
// capped response body, connect and total deadlines. Sent through an HttpTransport
// (core/net/http_transport.h). Blocking: run it on a worker thread. Thread-safe.
#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "channels/webhook/ssrf.h"
#include "core/net/http_transport.h"

namespace storybot::webhook {

struct CallbackCall {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<AllowEntry> allowlist;
  long connect_timeout_ms = 5000;
  long timeout_ms = 15000;
  std::size_t max_response_bytes = 64 * 1024;  // we only read the status; the body is for logs
  const std::atomic<bool>* cancel = nullptr;   // true: the call ends within ~100 ms
};

enum class CallbackOutcome {
  kDelivered,  // 2xx
  kRetry,      // timeout, network error, 408, 429, 5xx
  kGone,       // 410: the receiver wants no more callbacks
  kFailed,     // other 3xx/4xx: retrying will not help
  kRefused,    // the URL or one of its addresses is not allowed (SSRF rules)
};

struct CallbackResult {
  CallbackOutcome outcome = CallbackOutcome::kRetry;
  long status = 0;        // HTTP status; 0 when there was none
  int retry_after_s = 0;  // from a 429/503 Retry-After in seconds
  std::string error;      // for logs and the job status; never holds secrets
};

// What an HTTP status means for a callback.
CallbackOutcome OutcomeForStatus(long status);

CallbackResult PostCallback(const CallbackCall& call,
                            HttpTransport& transport = HttpTransport::Real());

}  // namespace storybot::webhook
