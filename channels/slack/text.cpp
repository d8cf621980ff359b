#include "channels/slack/text.h"

#include <algorithm>

#include "core/text_split.h"
#include "core/utf8.h"

namespace storybot::slack {

std::string EscapeMrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string UnescapeMrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("&amp;")) {
      out += '&';
      i += 5;
    } else if (rest.starts_with("&lt;")) {
      out += '<';
      i += 4;
    } else if (rest.starts_with("&gt;")) {
      out += '>';
      i += 4;
    } else {
      out += text[i++];
    }
  }
  return out;
}

namespace {

// Last resort for tiny limits: escaped code points packed greedily.
std::vector<std::string> PackCodePoints(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  std::string current;
  std::size_t length = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8::SequenceLength(text, i));
    const std::string escaped = EscapeMrkdwn(text.substr(i, n));
    const std::size_t units = utf8::CodePointCount(escaped);
    if (length + units > limit && !current.empty()) {
      out.push_back(std::move(current));
      current.clear();
      length = 0;
    }
    current += escaped;
    length += units;
    i += n;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

// Splits raw `text` at `raw_limit` code points; a piece whose escaped form exceeds `limit` (a
// story full of "&") is split again with the raw limit shrunk in proportion.
void SplitEscaped(std::string_view text, std::size_t raw_limit, std::size_t limit,
                  std::vector<std::string>& out) {
  for (const std::string& piece : SplitMessage(text, raw_limit, LengthUnit::kCodePoints)) {
    std::string escaped = EscapeMrkdwn(piece);
    const std::size_t length = utf8::CodePointCount(escaped);
    if (length <= limit) {
      out.push_back(std::move(escaped));
      continue;
    }
    const std::size_t smaller = utf8::CodePointCount(piece) * limit / length;
    if (smaller >= 5 && smaller < raw_limit) {
      SplitEscaped(piece, smaller, limit, out);
    } else {
      for (std::string& p : PackCodePoints(piece, limit)) out.push_back(std::move(p));
    }
  }
}

}  // namespace

std::vector<std::string> EscapeAndSplit(std::string_view text, std::size_t limit) {
  limit = std::max<std::size_t>(limit, 5);  // "&amp;" must fit
  // Splitting the raw text keeps "&amp;" whole.
  std::vector<std::string> out;
  SplitEscaped(text, limit, limit, out);
  return out;
}

}  // namespace storybot::slack
