#include "channels/telegram/bot_api.h"

#include <boost/json.hpp>

namespace storybot::telegram {

BotApi::BotApi(std::string api_url, std::string token, HttpTransport& transport)
    : transport_(&transport) {
  while (!api_url.empty() && api_url.back() == '/') api_url.pop_back();
  base_ = api_url + "/bot" + token + "/";
}

ApiResult BotApi::Call(std::string_view method, const boost::json::object& params, long timeout_ms,
                       std::string_view trace_id, const std::atomic<bool>* cancel) const {
  HttpCall call;
  call.url = base_ + std::string(method);
  call.headers = {{"Content-Type", "application/json"}};
  if (!trace_id.empty()) call.headers.emplace_back("X-Trace-Id", std::string(trace_id));
  call.body = boost::json::serialize(params);
  call.timeout_ms = timeout_ms;
  call.cancel = cancel;
  const HttpCallResult reply = transport_->Call(call);

  ApiResult out;
  out.status = static_cast<int>(reply.status);
  if (reply.status == 0) {
    out.kind = ApiResult::Kind::kServerError;
    out.description = reply.error;
    return out;
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(reply.body, ec);
  const boost::json::object* object = !ec && body.is_object() ? &body.as_object() : nullptr;
  if (object != nullptr) {
    if (const auto* d = object->if_contains("description"); d != nullptr && d->is_string()) {
      out.description = std::string(d->as_string());
    }
  }
  if (reply.status == 200 && object != nullptr && object->contains("ok") &&
      object->at("ok").is_bool() && object->at("ok").as_bool()) {
    out.kind = ApiResult::Kind::kOk;
    if (const auto* r = object->if_contains("result")) out.result = *r;
    return out;
  }
  if (reply.status == 429) {
    out.kind = ApiResult::Kind::kRetryAfter;
    out.retry_after_s = 1;
    if (object != nullptr) {
      const auto* parameters = object->if_contains("parameters");
      if (parameters != nullptr && parameters->is_object()) {
        const auto* after = parameters->as_object().if_contains("retry_after");
        if (after != nullptr && after->is_int64()) {
          out.retry_after_s = static_cast<int>(after->as_int64());
        }
      }
    }
    return out;
  }
  out.kind = reply.status >= 500 ? ApiResult::Kind::kServerError : ApiResult::Kind::kClientError;
  if (out.description.empty()) out.description = "HTTP " + std::to_string(reply.status);
  return out;
}

}  // namespace storybot::telegram
