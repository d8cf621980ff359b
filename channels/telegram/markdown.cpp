#include "channels/telegram/markdown.h"

namespace storybot::telegram {

std::string EscapeMarkdownV2(std::string_view text) {
  static constexpr std::string_view kSpecial = "_*[]()~`>#+-=|{}.!\\";
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {  // all special characters are ASCII: UTF-8 bytes pass through
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace storybot::telegram
