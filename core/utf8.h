#pragma once
// UTF-8 helpers shared by templates, logs, JSON validation and reply splitting.
#include <cstddef>
#include <string>
#include <string_view>

namespace storybot::utf8 {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, max U+10FFFF).
bool IsValid(std::string_view text);

// Length in bytes of the well-formed sequence starting at text[pos], or 0 if it is malformed.
std::size_t SequenceLength(std::string_view text, std::size_t pos);

// Number of code points; malformed bytes count one each.
std::size_t CodePointCount(std::string_view text);

// Copy of `text` with every malformed byte replaced by U+FFFD.
std::string Sanitize(std::string_view text);

}  // namespace storybot::utf8
