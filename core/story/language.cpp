#include <cstdint>

#include "core/story/story.h"
#include "core/utf8.h"

namespace storybot {
namespace {

// Decodes the well-formed sequence of `n` bytes at text[pos].
std::uint32_t Decode(std::string_view text, std::size_t pos, std::size_t n) {
  const auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(text[pos + i]));
  };
  switch (n) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

bool IsIdeograph(std::uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

// Latin letters, including accented ones: a sign that the user wrote in a Latin script.
bool IsLatinLetter(std::uint32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
         (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

}  // namespace

std::string_view LanguageCode(Language language) {
  return language == Language::kChinese ? "zh" : "en";
}

// CJK punctuation and fullwidth forms (U+3000–U+303F, U+FF00–U+FFEF) are deliberately not a
// signal on their own: Japanese and Korean text and stray "！" use them too. Ideographs decide.
Language DetectLanguage(std::string_view text, std::string_view hint) {
  bool latin = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8::SequenceLength(text, pos);
    if (n == 0) {  // malformed byte: skip it
      ++pos;
      continue;
    }
    const std::uint32_t cp = Decode(text, pos, n);
    if (IsIdeograph(cp)) return Language::kChinese;
    latin = latin || IsLatinLetter(cp);
    pos += n;
  }
  if (latin) return Language::kEnglish;  // the text wins over the client's setting
  const bool zh_hint =
      hint.size() >= 2 && (hint[0] == 'z' || hint[0] == 'Z') && (hint[1] == 'h' || hint[1] == 'H');
  return zh_hint ? Language::kChinese : Language::kEnglish;
}

}  // namespace storybot
