#include "channels/discord/reply_context.h"

#include <boost/json.hpp>

namespace storybot::discord {

std::string EncodeReplyContext(const ReplyContext& context) {
  return boost::json::serialize(boost::json::object{
      {"application_id", context.application_id},
      {"token", context.token},
      {"interaction_id", context.interaction_id},
      {"expires_unix_ms", context.expires_unix_ms},
  });
}

ReplyContext DecodeReplyContext(std::string_view json) {
  ReplyContext context;
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return context;
  const auto& object = value.as_object();
  auto read = [&object](std::string_view key, std::string& out) {
    if (const auto* v = object.if_contains(key); v != nullptr && v->is_string()) {
      out = std::string(v->as_string());
    }
  };
  read("application_id", context.application_id);
  read("token", context.token);
  read("interaction_id", context.interaction_id);
  if (const auto* v = object.if_contains("expires_unix_ms"); v != nullptr && v->is_int64()) {
    context.expires_unix_ms = v->as_int64();
  }
  return context;
}

}  // namespace storybot::discord
