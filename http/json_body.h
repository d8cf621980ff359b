#pragma once
// Reading JSON request bodies with the errors of http/openapi.yaml: 415 unless Content-Type is
// application/json, 400 for malformed JSON (invalid UTF-8 and nesting deeper than 32 included),
// a non-object, or a field not in `allowed`.
#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "http/exchange.h"

namespace storybot::http {

// "application/json", any case, parameters (charset) ignored.
bool IsJsonContentType(std::string_view type);

// Replies with the error itself and returns nullopt on failure.
std::optional<boost::json::object> ReadJsonObject(const ExchangePtr& ex,
                                                  std::initializer_list<std::string_view> allowed);

// Typed field access: nullopt when absent; an error naming the field when the type is wrong.
Result<std::optional<std::string>> OptionalString(const boost::json::object& body,
                                                  std::string_view field);
Result<std::optional<bool>> OptionalBool(const boost::json::object& body, std::string_view field);
Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& body,
                                                std::string_view field);

}  // namespace storybot::http
