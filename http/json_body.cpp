#include "http/json_body.h"

#include <algorithm>
#include <boost/json.hpp>

namespace storybot::http {

bool IsJsonContentType(std::string_view type) {
  const std::string_view media = type.substr(0, type.find(';'));
  std::string lower;
  for (char c : media) {
    if (c != ' ') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower == "application/json";
}

std::optional<boost::json::object> ReadJsonObject(const ExchangePtr& ex,
                                                  std::initializer_list<std::string_view> allowed) {
  if (!IsJsonContentType(ex->request().Header("Content-Type"))) {
    ReplyError(ex, 415, "unsupported_media_type",
               "send the body as Content-Type: application/json");
    return std::nullopt;
  }
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::json::value value = boost::json::parse(ex->request().body, ec, {}, options);
  if (ec) {
    ReplyError(ex, 400, "malformed_json", "the body is not valid JSON: " + ec.message());
    return std::nullopt;
  }
  if (!value.is_object()) {
    ReplyError(ex, 400, "invalid_argument", "body: must be a JSON object");
    return std::nullopt;
  }
  for (const auto& item : value.as_object()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      ReplyError(ex, 400, "invalid_argument", "unknown field '" + std::string(item.key()) + "'");
      return std::nullopt;
    }
  }
  return std::move(value.as_object());
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& body,
                                                  std::string_view field) {
  const boost::json::value* v = body.if_contains(field);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return InvalidArgument(std::string(field) + ": must be a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<bool>> OptionalBool(const boost::json::object& body, std::string_view field) {
  const boost::json::value* v = body.if_contains(field);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return InvalidArgument(std::string(field) + ": must be true or false");
  return std::optional<bool>(v->as_bool());
}

Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& body,
                                                std::string_view field) {
  const boost::json::value* v = body.if_contains(field);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->as_int64());
  return InvalidArgument(std::string(field) + ": must be an integer");
}

}  // namespace storybot::http
