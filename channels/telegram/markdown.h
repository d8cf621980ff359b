#pragma once
// Telegram MarkdownV2 (https://core.telegram.org/bots/api#markdownv2-style): outside entities,
// every one of _ * [ ] ( ) ~ ` > # + - = | { } . ! and the backslash itself must be escaped,
// else Telegram refuses the whole message with 400. Stories are plain text, so everything is
// escaped: the text shows exactly as written.
#include <string>
#include <string_view>

namespace storybot::telegram {

std::string EscapeMarkdownV2(std::string_view text);

}  // namespace storybot::telegram
