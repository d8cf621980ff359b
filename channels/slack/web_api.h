#pragma once
// A small Slack Web API client: JSON POSTs to {api_url}/{method} with the bot token as a Bearer
// header, and the outcome of each call classified for the job runner's retry rules.
// Calls block (HttpTransport::Call, core/net/http_transport.h): use them from worker threads
// only. Thread-safe.
#include <functional>
#include <string>
#include <string_view>

#include "core/chat.h"
#include "core/net/http_transport.h"
#include "core/result.h"

namespace storybot::slack {

// The outcome of one call. `slack_error` is Slack's error code for an "ok": false answer
// ("not_in_channel", …), else empty.
struct ApiOutcome {
  SendResult result;
  std::string slack_error;
};

// Maps an HTTP answer to an outcome: no answer, 5xx and 429 (with its Retry-After, default 1 s)
// → kRetry; "ok": false → kRetry for Slack's transient errors (ratelimited, internal_error,
// fatal_error, service_unavailable, request_timeout), kPermanent for the rest (invalid_auth,
// channel_not_found, not_in_channel, …); other 4xx → kPermanent. With `plain_ok` (response_url
// answers) a 2xx needs no JSON body.
ApiOutcome ClassifyResponse(const HttpCallResult& response, bool plain_ok = false);

class SlackWebApi {
 public:
  // `transport` must outlive the client; tests pass tests/support/fake_transport.h.
  SlackWebApi(std::string api_url, std::string bot_token,
              HttpTransport& transport = HttpTransport::Real());

  // auth.test: the bot's own user id.
  Result<std::string> AuthTest();
  // chat.postMessage with mrkdwn text (already escaped); `thread_ts` empty: top level.
  ApiOutcome PostMessage(std::string_view channel, std::string_view text,
                         std::string_view thread_ts, std::string_view trace_id);
  // A slash command's response_url: a visible ("in_channel") message. No bot token is sent
  // there; the URL itself is the credential.
  ApiOutcome PostToResponseUrl(const std::string& response_url, std::string_view text,
                               std::string_view trace_id);

 private:
  HttpCallResult Call(std::string_view method, std::string body, std::string_view trace_id,
                      long timeout_ms);

  std::string api_url_;  // no trailing slash
  std::string bot_token_;
  HttpTransport* transport_;
};

}  // namespace storybot::slack
