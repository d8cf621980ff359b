#pragma once
// Splitting a long reply into messages that fit a channel's length limit (README "What chat users can do").
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace storybot {

// How a channel measures a message: Telegram counts UTF-16 code units (an emoji outside the BMP
// counts 2), Slack counts characters (code points).
enum class LengthUnit { kUtf16, kCodePoints };

// Splits `text` into pieces of at most `limit` units each. A piece ends at the last paragraph
// break (blank line) in reach, else a line break, else a sentence end (". ", "! ", "? ", or right
// after "。！？；"), else a space, else at a code point boundary — never inside a UTF-8 sequence or
// a surrogate pair. A boundary that would leave a piece under half the limit gives way to a
// lower-level boundary further on, so pieces stay large. Whitespace at piece boundaries is
// trimmed; there are no empty pieces; empty or all-blank text gives no pieces. Malformed UTF-8 is
// replaced by U+FFFD first. A limit below 2 is treated as 2 so a single emoji still fits.
std::vector<std::string> SplitMessage(std::string_view text, std::size_t limit, LengthUnit unit);

}  // namespace storybot
