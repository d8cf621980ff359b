#pragma once
// Blocked-word matching for requests and stories: entries without letters beyond ASCII
// (English) match as whole words, any other entry (Chinese) as a substring. Both sides are folded
// first, so matching ignores case and width (full-width Ｋｉｌｌ is kill).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace storybot {

struct BlockedWord {
  std::string id;        // "en-3", "zh-7", "admin-12": what logs and events name
  std::string category;  // "violence", "adult", "drugs", "self_harm", "profanity", "admin"
  std::string word;
};

// Lower-case ASCII; full-width forms U+FF01..U+FF5E become ASCII, the ideographic space a space.
std::string FoldForMatching(std::string_view text);

// The first entry of `list` found in `text`, if any.
std::optional<BlockedWord> FindBlocked(std::string_view text, const std::vector<BlockedWord>& list);

// The built-in English and Chinese lists (README "Safety and limits").
const std::vector<BlockedWord>& BuiltInBlockedWords();

}  // namespace storybot
