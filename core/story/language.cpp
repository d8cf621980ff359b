#include <cctype>
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

std::optional<Language> LanguageFromCode(std::string_view code) {
  if (code.size() < 2 || (code.size() > 2 && code[2] != '-' && code[2] != '_')) return {};
  const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(code[0])));
  const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(code[1])));
  if (a == 'z' && b == 'h') return Language::kChinese;
  if (a == 'e' && b == 'n') return Language::kEnglish;
  return {};
}

// CJK punctuation and fullwidth forms (U+3000–U+303F, U+FF00–U+FFEF) are deliberately not a
// signal on their own: Japanese and Korean text and stray "！" use them too. Ideographs decide.
Language DetectLanguage(std::string_view text, std::string_view hint,
                        std::string_view explicit_choice) {
  if (const auto chosen = LanguageFromCode(explicit_choice)) return *chosen;
  // Little words that only a phrase has: a name or a single word ("Elsa", "dragons") has none.
  static constexpr std::string_view kEnglishWords[] = {
      "a",  "an",   "the",  "about", "story", "stories", "tale", "please", "me", "and",
      "of", "with", "tell", "my",    "for",   "is",      "who",  "to",     "in", "want"};
  std::size_t words = 0;
  bool english_word = false;
  std::string word;  // the current Latin word, lower-cased; '#' stands for an accented letter
  const auto end_word = [&] {
    if (word.empty()) return;
    ++words;
    for (const std::string_view w : kEnglishWords) english_word = english_word || word == w;
    word.clear();
  };
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8::SequenceLength(text, pos);
    if (n == 0) {  // malformed byte: skip it
      ++pos;
      continue;
    }
    const std::uint32_t cp = Decode(text, pos, n);
    if (IsIdeograph(cp)) return Language::kChinese;
    if (IsLatinLetter(cp)) {
      word += cp < 0x80 ? static_cast<char>(std::tolower(static_cast<int>(cp))) : '#';
    } else if (!(cp == '\'' && !word.empty())) {  // "don't" is one word
      end_word();
    }
    pos += n;
  }
  end_word();
  if (words >= 3 || english_word) return Language::kEnglish;  // the reader wrote English
  const bool zh_hint =
      hint.size() >= 2 && (hint[0] == 'z' || hint[0] == 'Z') && (hint[1] == 'h' || hint[1] == 'H');
  return zh_hint ? Language::kChinese : Language::kEnglish;
}

}  // namespace storybot
