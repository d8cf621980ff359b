#pragma once
// A small Telegram Bot API client: POST {api_url}/bot{token}/{method} with a JSON body.
// Blocking (HttpTransport::Call, core/net/http_transport.h); callers run it on their own
// threads. The token is part of the URL, so no URL ever reaches an error message or a log line.
#include <atomic>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/net/http_transport.h"

namespace storybot::telegram {

struct ApiResult {
  enum class Kind {
    kOk,
    kRetryAfter,   // 429: wait retry_after_s
    kServerError,  // 5xx or a network error: back off and retry
    kClientError,  // 4xx: retrying will not help (bad request, blocked by the user, bad token)
  };
  Kind kind = Kind::kServerError;
  int status = 0;  // HTTP status; 0 on network errors
  boost::json::value result;
  int retry_after_s = 0;
  std::string description;  // Telegram's description or the transport error
};

class BotApi {
 public:
  // `transport` must outlive the client; tests pass tests/support/fake_transport.h.
  BotApi(std::string api_url, std::string token, HttpTransport& transport = HttpTransport::Real());
  ApiResult Call(std::string_view method, const boost::json::object& params, long timeout_ms,
                 std::string_view trace_id = {}, const std::atomic<bool>* cancel = nullptr) const;

 private:
  std::string base_;  // {api_url}/bot{token}/
  HttpTransport* transport_;
};

}  // namespace storybot::telegram
