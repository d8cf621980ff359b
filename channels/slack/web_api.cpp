#include "channels/slack/web_api.h"

#include <boost/json.hpp>
#include <charconv>

namespace storybot::slack {
namespace {

constexpr int kMaxRetryAfterSeconds = 3600;

int RetryAfterSeconds(const HttpCallResult& response) {
  const std::string value = response.Header("retry-after");
  int seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds < 1) return 1;
  return std::min(seconds, kMaxRetryAfterSeconds);
}

bool TransientSlackError(std::string_view error) {
  return error == "ratelimited" || error == "internal_error" || error == "fatal_error" ||
         error == "service_unavailable" || error == "request_timeout";
}

ApiOutcome Outcome(SendOutcome outcome, std::string error, int retry_after_s = 0) {
  return {{outcome, std::move(error), retry_after_s}, {}};
}

}  // namespace

ApiOutcome ClassifyResponse(const HttpCallResult& response, bool plain_ok) {
  if (response.status == 0) {
    return Outcome(SendOutcome::kRetry, "slack unreachable: " + response.error);
  }
  const std::string status = "HTTP " + std::to_string(response.status);
  if (response.status == 429) {
    return Outcome(SendOutcome::kRetry, "slack rate limit (" + status + ")",
                   RetryAfterSeconds(response));
  }
  if (response.status >= 500) return Outcome(SendOutcome::kRetry, "slack " + status);
  if (response.status < 200 || response.status >= 300) {
    // response_url answers 404 "expired_url" and the like as plain text: a short, safe hint.
    return Outcome(SendOutcome::kPermanent, "slack " + status + " " + response.body.substr(0, 64));
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  if (ec || !body.is_object()) {
    if (plain_ok) return Outcome(SendOutcome::kSent, "");
    return Outcome(SendOutcome::kRetry, "slack answered " + status + " without a JSON object");
  }
  const auto* ok = body.as_object().if_contains("ok");
  if (ok != nullptr && ok->is_bool() && ok->as_bool()) return Outcome(SendOutcome::kSent, "");
  if (ok == nullptr && plain_ok) return Outcome(SendOutcome::kSent, "");
  std::string error = "unknown_error";
  if (const auto* e = body.as_object().if_contains("error"); e != nullptr && e->is_string()) {
    error = std::string(e->as_string().subview().substr(0, 100));
  }
  ApiOutcome outcome;
  outcome.slack_error = error;
  outcome.result.error = "slack error " + error;
  if (error == "ratelimited") {
    outcome.result.outcome = SendOutcome::kRetry;
    outcome.result.retry_after_s = RetryAfterSeconds(response);
  } else {
    outcome.result.outcome =
        TransientSlackError(error) ? SendOutcome::kRetry : SendOutcome::kPermanent;
  }
  return outcome;
}

SlackWebApi::SlackWebApi(std::string api_url, std::string bot_token, HttpTransport& transport)
    : api_url_(std::move(api_url)), bot_token_(std::move(bot_token)), transport_(&transport) {
  while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
}

HttpCallResult SlackWebApi::Call(std::string_view method, std::string body,
                                 std::string_view trace_id, long timeout_ms) {
  HttpCall call;
  call.url = api_url_ + "/" + std::string(method);
  call.headers = {{"Content-Type", "application/json; charset=utf-8"},
                  {"Authorization", "Bearer " + bot_token_}};
  if (!trace_id.empty()) call.headers.emplace_back("X-Trace-Id", std::string(trace_id));
  call.body = std::move(body);
  call.timeout_ms = timeout_ms;
  return transport_->Call(call);
}

Result<std::string> SlackWebApi::AuthTest() {
  const HttpCallResult response = Call("auth.test", "{}", {}, 10000);
  const ApiOutcome outcome = ClassifyResponse(response);
  if (outcome.result.outcome != SendOutcome::kSent) {
    return Unavailable("auth.test failed: " + outcome.result.error);
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  const auto* user = body.as_object().if_contains("user_id");
  if (user == nullptr || !user->is_string() || user->as_string().empty()) {
    return Unavailable("auth.test answered without user_id");
  }
  return std::string(user->as_string());
}

ApiOutcome SlackWebApi::PostMessage(std::string_view channel, std::string_view text,
                                    std::string_view thread_ts, std::string_view trace_id) {
  // Stories are prose: no link or media previews, and mrkdwn on (the default) so that the
  // escaped &amp; &lt; &gt; show as the characters.
  boost::json::object body{
      {"channel", channel}, {"text", text}, {"unfurl_links", false}, {"unfurl_media", false}};
  if (!thread_ts.empty()) body["thread_ts"] = thread_ts;
  return ClassifyResponse(Call("chat.postMessage", boost::json::serialize(body), trace_id, 30000));
}

ApiOutcome SlackWebApi::PostToResponseUrl(const std::string& response_url, std::string_view text,
                                          std::string_view trace_id) {
  HttpCall call;
  call.url = response_url;
  call.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  if (!trace_id.empty()) call.headers.emplace_back("X-Trace-Id", std::string(trace_id));
  call.body =
      boost::json::serialize(boost::json::object{{"response_type", "in_channel"}, {"text", text}});
  return ClassifyResponse(transport_->Call(call), /*plain_ok=*/true);
}

}  // namespace storybot::slack
