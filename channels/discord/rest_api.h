#pragma once
// A small Discord HTTP API client: the bulk overwrite of the application's commands (with the
// bot token) and the interaction webhook (edit the deferred response, send follow-ups; the
// interaction token in the URL is the credential). Each answer is classified for the sender's
// retry rules, with the rate-limit facts Discord sends ("Rate Limits": a 429's JSON retry_after
// in seconds with fractions, X-RateLimit-Remaining and X-RateLimit-Reset-After).
// Calls block (HttpTransport::Call, core/net/http_transport.h): use them from worker threads only.
// Thread-safe. No URL reaches an error or a log line: webhook URLs carry the token.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "channels/discord/reply_context.h"
#include "core/chat.h"
#include "core/net/http_transport.h"

namespace storybot::discord {

struct ApiOutcome {
  // kSent for 2xx; kRetry for no answer, 429 and 5xx; kPermanent for other 4xx (401/403/404:
  // a bad bot token, missing access, an unknown or expired webhook).
  SendOutcome outcome = SendOutcome::kRetry;
  long status = 0;    // HTTP status; 0 when there was no answer
  std::string error;  // "discord HTTP 404: Unknown Webhook (10015)"; empty when sent
  std::chrono::milliseconds retry_after{0};  // a 429's wait (body retry_after, else Retry-After)
  bool global = false;                       // the 429 is the application's global limit
  std::optional<int> remaining;              // X-RateLimit-Remaining, when sent
  std::chrono::milliseconds reset_after{0};  // X-RateLimit-Reset-After
};

ApiOutcome ClassifyResponse(const HttpCallResult& response);

class DiscordApi {
 public:
  // `api_url` as in STORYBOT_DISCORD_API_URL ("https://discord.com/api/v10"); `transport` must
  // outlive the client (tests pass tests/support/fake_transport.h).
  explicit DiscordApi(std::string api_url, HttpTransport& transport = HttpTransport::Real());

  // PUT {api}/applications/{application_id}/commands with "Authorization: Bot <token>".
  ApiOutcome RegisterCommands(std::string_view application_id, std::string_view bot_token,
                              std::string commands_json);
  // PATCH {api}/webhooks/{application_id}/{token}/messages/@original: the deferred response.
  ApiOutcome EditOriginal(const ReplyContext& to, std::string_view content,
                          std::string_view trace_id);
  // POST {api}/webhooks/{application_id}/{token}: one more message.
  ApiOutcome CreateFollowup(const ReplyContext& to, std::string_view content,
                            std::string_view trace_id);

 private:
  ApiOutcome Call(std::string method, std::string url, std::string body,
                  std::string_view authorization, std::string_view trace_id);

  std::string api_url_;  // no trailing slash
  HttpTransport* transport_;
};

}  // namespace storybot::discord
