#include "channels/webhook/reply_context.h"

#include <boost/json.hpp>

namespace storybot::webhook {
namespace {

std::string Field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string SerializeReplyContext(const ReplyContext& context) {
  boost::json::object o{{"integration", context.integration},
                        {"webhook_id", context.webhook_id},
                        {"user_id", context.user_id}};
  if (!context.callback_url.empty()) o["callback_url"] = context.callback_url;
  if (context.prompt_id) o["prompt_id"] = *context.prompt_id;
  if (!context.variables.empty()) {
    boost::json::object vars;
    for (const auto& [k, v] : context.variables) vars[k] = v;
    o["variables"] = std::move(vars);
  }
  return boost::json::serialize(o);
}

ReplyContext ParseReplyContext(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return {};
  const boost::json::object& o = parsed.as_object();
  ReplyContext context;
  context.integration = Field(o, "integration");
  context.webhook_id = Field(o, "webhook_id");
  context.user_id = Field(o, "user_id");
  context.callback_url = Field(o, "callback_url");
  if (const auto* id = o.if_contains("prompt_id"); id != nullptr && id->is_int64()) {
    context.prompt_id = id->as_int64();
  }
  if (const auto* vars = o.if_contains("variables"); vars != nullptr && vars->is_object()) {
    for (const auto& [k, v] : vars->as_object()) {
      if (v.is_string()) context.variables[std::string(k)] = std::string(v.as_string());
    }
  }
  return context;
}

}  // namespace storybot::webhook
