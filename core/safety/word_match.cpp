#include "core/safety/word_match.h"

#include <cctype>

#include "core/utf8.h"

namespace storybot {
namespace {

bool IsWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool ContainsWholeWord(std::string_view text, std::string_view word) {
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !IsWordByte(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool ends = end == text.size() || !IsWordByte(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

char32_t Decode(std::string_view s, std::size_t pos, std::size_t n) {
  const auto b = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[pos + i]));
  };
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

}  // namespace

std::string FoldForMatching(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8::SequenceLength(text, pos);
    if (n <= 1) {  // ASCII, or a malformed byte kept as it is
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos])));
      ++pos;
      continue;
    }
    char32_t c = Decode(text, pos, n);
    if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;  // full-width ASCII forms
    if (c == 0x3000) c = ' ';                               // ideographic space
    if (c < 0x80) c = static_cast<char32_t>(std::tolower(static_cast<int>(c)));
    AppendUtf8(out, c);
    pos += n;
  }
  return out;
}

std::optional<BlockedWord> FindBlocked(std::string_view text,
                                       const std::vector<BlockedWord>& list) {
  const std::string folded = FoldForMatching(text);
  for (const BlockedWord& entry : list) {
    const std::string word = FoldForMatching(entry.word);
    if (word.empty()) continue;
    const bool found =
        IsAscii(word) ? ContainsWholeWord(folded, word) : folded.find(word) != std::string::npos;
    if (found) return entry;
  }
  return std::nullopt;
}

const std::vector<BlockedWord>& BuiltInBlockedWords() {
  // Deliberately short and unambiguous: words no children's story needs. Admins add their own.
  static const std::vector<BlockedWord> list = [] {
    const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> en = {
        {"violence",
         {"murder", "murdered", "kill", "killing", "behead", "beheaded", "torture", "massacre",
          "slaughter", "gore", "gory", "bloodbath", "shoot them"}},
        {"adult",
         {"sex", "sexy", "porn", "porno", "pornography", "nude", "naked", "rape", "erotic",
          "nsfw"}},
        {"drugs", {"cocaine", "heroin", "meth", "methamphetamine", "get high"}},
        {"self_harm", {"suicide", "self-harm", "self harm", "kill myself", "cut myself"}},
        {"profanity", {"fuck", "fucking", "shit", "bitch", "asshole", "cunt"}},
    };
    const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> zh = {
        {"violence", {"杀人", "谋杀", "砍头", "屠杀", "血腥", "虐杀", "酷刑", "分尸"}},
        {"adult", {"色情", "裸体", "强奸", "做爱", "性交", "黄片", "成人视频"}},
        {"drugs", {"毒品", "吸毒", "海洛因", "可卡因", "冰毒", "大麻"}},
        {"self_harm", {"自杀", "自残", "割腕"}},
        {"profanity", {"他妈的", "操你", "傻逼", "婊子"}},
    };
    std::vector<BlockedWord> out;
    const auto add = [&out](std::string_view prefix, const auto& groups) {
      int n = 0;
      for (const auto& [category, words] : groups) {
        for (std::string_view word : words) {
          out.push_back({std::string(prefix) + "-" + std::to_string(++n), std::string(category),
                         std::string(word)});
        }
      }
    };
    add("en", en);
    add("zh", zh);
    return out;
  }();
  return list;
}

}  // namespace storybot
