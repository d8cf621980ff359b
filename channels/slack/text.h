#pragma once
// Slack's text rules: message text is mrkdwn where "&", "<" and ">" are control characters
// (links, mentions), escaped as &amp; &lt; &gt; both ways; a message should stay within 4,000
// characters.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace storybot::slack {

inline constexpr std::size_t kMaxMessageCharacters = 4000;

// "&" → "&amp;", "<" → "&lt;", ">" → "&gt;"; nothing else changes (no mrkdwn is stripped).
std::string EscapeMrkdwn(std::string_view text);
// The reverse, for text users wrote (Slack escapes those three in inbound events).
std::string UnescapeMrkdwn(std::string_view text);

// Splits `text` at paragraph, sentence or word boundaries (core/text_split.h) and escapes each
// piece, so that every escaped piece has at most `limit` code points (a limit below 5 is taken
// as 5, so "&amp;" fits). Empty or all-blank text: no pieces.
std::vector<std::string> EscapeAndSplit(std::string_view text,
                                        std::size_t limit = kMaxMessageCharacters);

}  // namespace storybot::slack
