#include "core/text_split.h"

#include <array>
#include <cstdint>
#include <optional>

#include "core/utf8.h"

namespace storybot {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The code point of a well-formed sequence of `n` bytes.
std::uint32_t Decode(std::string_view s, std::size_t pos, std::size_t n) {
  const auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + i]));
  };
  if (n == 1) return b(0);
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

bool IsLatinSentenceEnd(std::uint32_t cp) { return cp == '.' || cp == '!' || cp == '?'; }

// 。！？； end a Chinese sentence with no space after them.
bool IsCjkSentenceEnd(std::uint32_t cp) {
  return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B;
}

// Closing quotes and brackets stay with the sentence they close: 。” ends after the ”.
bool IsCloser(std::uint32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == 0x201D || cp == 0x2019 || cp == 0x300D ||
         cp == 0x300F || cp == 0xFF09 || cp == 0x300B;
}

// Boundary kinds in order of preference.
enum Kind : std::size_t { kParagraph, kLine, kSentence, kWord, kKinds };

struct Cut {
  std::size_t pos = 0;    // byte offset: the piece is rest[0, pos)
  std::size_t units = 0;  // length of that piece
};

// Where to end the next piece of `rest` (left-trimmed): rest.size() when all of it fits.
std::size_t FindCut(std::string_view rest, std::size_t limit, LengthUnit unit) {
  std::array<std::optional<Cut>, kKinds> last;
  std::size_t units = 0;
  std::size_t pos = 0;
  std::uint32_t prev = 0;
  bool after_latin_end = false;  // .!? seen, then only closers
  bool after_cjk_end = false;    // 。！？； seen, then only closers
  while (pos < rest.size()) {
    const std::size_t n = utf8::SequenceLength(rest, pos);  // input is sanitized: n > 0
    const std::uint32_t cp = Decode(rest, pos, n);
    const bool space = cp < 0x80 && IsSpace(static_cast<char>(cp));
    const bool prev_space = prev < 0x80 && IsSpace(static_cast<char>(prev));
    if (space && pos > 0 && !prev_space) {
      // The first blank of a run: classify the run by its newlines.
      std::size_t newlines = 0;
      for (std::size_t i = pos; i < rest.size() && IsSpace(rest[i]); ++i) {
        newlines += rest[i] == '\n' ? 1 : 0;
      }
      const Kind kind = newlines >= 2                      ? kParagraph
                        : newlines == 1                    ? kLine
                        : after_latin_end || after_cjk_end ? kSentence
                                                           : kWord;
      last[kind] = Cut{pos, units};
    } else if (!space && after_cjk_end && !IsCloser(cp)) {
      last[kSentence] = Cut{pos, units};
    }
    const std::size_t width = unit == LengthUnit::kUtf16 && cp >= 0x10000 ? 2 : 1;
    if (units + width > limit) break;
    units += width;
    pos += n;
    if (IsLatinSentenceEnd(cp)) {
      after_latin_end = true;
    } else if (IsCjkSentenceEnd(cp)) {
      after_cjk_end = true;
    } else if (!IsCloser(cp)) {
      after_latin_end = after_cjk_end = false;
    }
    prev = cp;
  }
  if (pos == rest.size()) return pos;
  // Prefer the best kind that still fills half the limit; else any boundary; else a hard cut.
  for (std::size_t kind = 0; kind < kKinds; ++kind) {
    if (last[kind] && last[kind]->units * 2 >= limit) return last[kind]->pos;
  }
  for (std::size_t kind = 0; kind < kKinds; ++kind) {
    if (last[kind]) return last[kind]->pos;
  }
  if (pos == 0) pos = utf8::SequenceLength(rest, 0);  // limit is at least 2: cannot happen
  return pos;
}

}  // namespace

std::vector<std::string> SplitMessage(std::string_view text, std::size_t limit, LengthUnit unit) {
  if (limit < 2) limit = 2;
  std::string sanitized;
  if (!utf8::IsValid(text)) {
    sanitized = utf8::Sanitize(text);
    text = sanitized;
  }
  std::vector<std::string> pieces;
  std::string_view rest = TrimRight(TrimLeft(text));
  while (!rest.empty()) {
    const std::size_t cut = FindCut(rest, limit, unit);
    pieces.emplace_back(TrimRight(rest.substr(0, cut)));
    rest = TrimLeft(rest.substr(cut));
  }
  return pieces;
}

}  // namespace storybot
