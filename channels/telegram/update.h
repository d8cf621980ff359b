#pragma once
// Telegram Update objects (Bot API) turned into channel-neutral messages.
// https://core.telegram.org/bots/api#update
#include <cstdint>
#include <string>
#include <string_view>

#include "core/chat.h"
#include "core/result.h"

namespace storybot::telegram {

struct ParsedUpdate {
  std::int64_t update_id = 0;
  bool handled = false;  // false: a kind of update storybot ignores (edited message, sticker…)
  std::string ignored_because;
  InboundMessage message;  // when handled; channel "telegram", chat_id = chat.id
};

// Parses one Update. Malformed JSON or a missing update_id is an error (the caller answers 400);
// anything storybot does not handle parses fine with handled = false (the caller answers 200 so
// Telegram does not retry it). In groups only commands (or texts that mention the bot) are
// handled; commands addressed to another bot (/story@OtherBot) are ignored. `bot_username` may
// be empty while unknown.
Result<ParsedUpdate> ParseUpdate(std::string_view json, std::string_view bot_username);

}  // namespace storybot::telegram
