#pragma once
// The body of POST /webhooks/{integration}, validated field by field. Pure; thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace storybot::webhook {

struct InboundRequest {
  std::string user_id;                           // 1..128 characters
  std::string text;                              // 1..4,000 characters
  std::string user_name;                         // optional, ≤ 128
  std::string language;                          // optional, ≤ 16 (a hint such as "en", "zh-CN")
  std::optional<std::int64_t> prompt_id;         // optional, ≥ 1
  std::map<std::string, std::string> variables;  // optional, ≤ 32 string values of ≤ 1,000
  std::string callback_url;                      // optional: empty means a sync answer
};

// Errors are kInvalidArgument with a message that starts with the field's name (unknown fields
// included), e.g. "text: must be a non-empty string".
Result<InboundRequest> ParseInboundRequest(std::string_view body);

}  // namespace storybot::webhook
