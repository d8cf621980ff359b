#pragma once
// The webhook channel's reply_context (core/chat.h): written with the inbound message, read back
// by the reply sender and kept with the job. Pure; thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace storybot::webhook {

struct ReplyContext {
  std::string integration;
  std::string webhook_id;  // of the inbound request
  std::string user_id;
  std::string callback_url;  // empty: a sync answer
  std::optional<std::int64_t> prompt_id;
  std::map<std::string, std::string> variables;
};

std::string SerializeReplyContext(const ReplyContext& context);
// Fields that are missing or of the wrong type stay empty; a body that is not JSON gives {}.
ReplyContext ParseReplyContext(std::string_view json);

}  // namespace storybot::webhook
