#include "channels/discord/rest_api.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "storybot/version.h"

namespace storybot::discord {
namespace {

constexpr std::chrono::milliseconds kMaxWait = std::chrono::hours(1);
constexpr long kTimeoutMs = 30000;

// Seconds with fractions ("1.25") as milliseconds, rounded up; nullopt for anything else.
std::optional<std::chrono::milliseconds> Seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  const double ms = std::ceil(seconds * 1000.0);
  if (ms > static_cast<double>(kMaxWait.count())) return kMaxWait;
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::optional<std::chrono::milliseconds> SecondsHeader(const std::string& value) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return Seconds(seconds);
}

std::optional<double> Number(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return std::nullopt;
}

// Discord's error body {"message": "...", "code": 10015}, shortened: safe to log (it never
// echoes the URL).
std::string Describe(long status, const boost::json::object* body) {
  std::string text = "discord HTTP " + std::to_string(status);
  if (body == nullptr) return text;
  if (const auto* m = body->if_contains("message"); m != nullptr && m->is_string()) {
    text += ": " + std::string(m->as_string().subview().substr(0, 100));
  }
  if (const auto* c = body->if_contains("code"); c != nullptr && c->is_int64()) {
    text += " (" + std::to_string(c->as_int64()) + ")";
  }
  return text;
}

}  // namespace

ApiOutcome ClassifyResponse(const HttpCallResult& response) {
  ApiOutcome out;
  out.status = response.status;
  if (response.status == 0) {
    out.outcome = SendOutcome::kRetry;
    out.error = "discord unreachable: " + response.error;
    return out;
  }
  const std::string remaining = response.Header("x-ratelimit-remaining");
  int count = 0;
  if (const auto [end, ec] =
          std::from_chars(remaining.data(), remaining.data() + remaining.size(), count);
      !remaining.empty() && ec == std::errc() && end == remaining.data() + remaining.size()) {
    out.remaining = count;
  }
  out.reset_after = SecondsHeader(response.Header("x-ratelimit-reset-after"))
                        .value_or(std::chrono::milliseconds(0));
  if (response.status >= 200 && response.status < 300) {
    out.outcome = SendOutcome::kSent;
    return out;
  }
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(response.body, ec);
  const boost::json::object* body = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
  out.error = Describe(response.status, body);
  if (response.status == 429) {
    out.outcome = SendOutcome::kRetry;
    std::optional<std::chrono::milliseconds> wait;
    if (body != nullptr) {
      if (auto seconds = Number(*body, "retry_after")) wait = Seconds(*seconds);
      if (const auto* g = body->if_contains("global"); g != nullptr && g->is_bool()) {
        out.global = g->as_bool();
      }
    }
    if (!wait) wait = SecondsHeader(response.Header("retry-after"));
    out.retry_after = wait.value_or(std::chrono::seconds(1));
    return out;
  }
  out.outcome = response.status >= 500 ? SendOutcome::kRetry : SendOutcome::kPermanent;
  return out;
}

DiscordApi::DiscordApi(std::string api_url, HttpTransport& transport)
    : api_url_(std::move(api_url)), transport_(&transport) {
  while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
}

ApiOutcome DiscordApi::Call(std::string method, std::string url, std::string body,
                            std::string_view authorization, std::string_view trace_id) {
  HttpCall call;
  call.method = std::move(method);
  call.url = std::move(url);
  call.headers = {{"Content-Type", "application/json"}};
  if (!authorization.empty())
    call.headers.emplace_back("Authorization", std::string(authorization));
  if (!trace_id.empty()) call.headers.emplace_back("X-Trace-Id", std::string(trace_id));
  // Discord asks every client to name itself this way ("User Agent").
  call.user_agent =
      std::string("DiscordBot (https://github.com/storybot/storybot, ") + kVersion + ")";
  call.body = std::move(body);
  call.timeout_ms = kTimeoutMs;
  return ClassifyResponse(transport_->Call(call));
}

ApiOutcome DiscordApi::RegisterCommands(std::string_view application_id, std::string_view bot_token,
                                        std::string commands_json) {
  return Call("PUT", api_url_ + "/applications/" + std::string(application_id) + "/commands",
              std::move(commands_json), "Bot " + std::string(bot_token), {});
}

namespace {

// A story is prose: it must never ping @everyone or a role, whatever the LLM wrote.
std::string MessageBody(std::string_view content) {
  return boost::json::serialize(boost::json::object{
      {"content", content},
      {"allowed_mentions", boost::json::object{{"parse", boost::json::array{}}}}});
}

}  // namespace

ApiOutcome DiscordApi::EditOriginal(const ReplyContext& to, std::string_view content,
                                    std::string_view trace_id) {
  return Call("PATCH",
              api_url_ + "/webhooks/" + to.application_id + "/" + to.token + "/messages/@original",
              MessageBody(content), {}, trace_id);
}

ApiOutcome DiscordApi::CreateFollowup(const ReplyContext& to, std::string_view content,
                                      std::string_view trace_id) {
  return Call("POST", api_url_ + "/webhooks/" + to.application_id + "/" + to.token,
              MessageBody(content), {}, trace_id);
}

}  // namespace storybot::discord
