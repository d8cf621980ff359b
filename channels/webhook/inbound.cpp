#include "channels/webhook/inbound.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/utf8.h"

namespace storybot::webhook {
namespace {

constexpr std::string_view kFields[] = {"user_id",   "text",      "user_name",   "language",
                                        "prompt_id", "variables", "callback_url"};

// A string field of 1..`max` characters (code points); `required` says whether it may be absent.
Result<std::string> StringField(const boost::json::object& body, std::string_view name,
                                std::size_t max, bool required) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || (v->is_null() && !required)) {
    if (required) return InvalidArgument(std::string(name) + ": is required");
    return std::string();
  }
  if (!v->is_string()) return InvalidArgument(std::string(name) + ": must be a string");
  std::string s(v->as_string());
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument(std::string(name) + ": must not be empty");
  }
  if (utf8::CodePointCount(s) > max) {
    return InvalidArgument(std::string(name) + ": must be at most " + std::to_string(max) +
                           " characters");
  }
  return s;
}

}  // namespace

Result<InboundRequest> ParseInboundRequest(std::string_view body) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 32;
  const boost::json::value root = boost::json::parse(body, ec, {}, options);
  if (ec) return InvalidArgument("body: malformed JSON");
  if (!root.is_object()) return InvalidArgument("body: must be a JSON object");
  const auto& o = root.as_object();
  for (const auto& [key, value] : o) {
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return InvalidArgument(std::string(key) + ": unknown field");
    }
  }
  InboundRequest r;
  auto user_id = StringField(o, "user_id", 128, true);
  if (!user_id.ok()) return user_id.error();
  r.user_id = std::move(user_id).value();
  auto text = StringField(o, "text", 4000, true);
  if (!text.ok()) return text.error();
  r.text = std::move(text).value();
  auto user_name = StringField(o, "user_name", 128, false);
  if (!user_name.ok()) return user_name.error();
  r.user_name = std::move(user_name).value();
  auto language = StringField(o, "language", 16, false);
  if (!language.ok()) return language.error();
  r.language = std::move(language).value();
  auto callback = StringField(o, "callback_url", 2048, false);
  if (!callback.ok()) return callback.error();
  r.callback_url = std::move(callback).value();

  if (const auto* v = o.if_contains("prompt_id"); v != nullptr && !v->is_null()) {
    if (!v->is_int64() && !v->is_uint64()) return InvalidArgument("prompt_id: must be an integer");
    if (v->is_uint64() || v->as_int64() < 1) {
      return InvalidArgument("prompt_id: must be a positive integer");
    }
    r.prompt_id = v->as_int64();
  }
  if (const auto* v = o.if_contains("variables"); v != nullptr && !v->is_null()) {
    if (!v->is_object()) return InvalidArgument("variables: must be an object of strings");
    if (v->as_object().size() > 32) return InvalidArgument("variables: at most 32 entries");
    for (const auto& [key, value] : v->as_object()) {
      const std::string name = "variables." + std::string(key);
      if (key.empty() || key.size() > 64) return InvalidArgument(name + ": bad name");
      if (!value.is_string()) return InvalidArgument(name + ": must be a string");
      if (utf8::CodePointCount(value.as_string()) > 1000) {
        return InvalidArgument(name + ": must be at most 1000 characters");
      }
      r.variables[std::string(key)] = std::string(value.as_string());
    }
  }
  return r;
}

}  // namespace storybot::webhook
