#include "channels/slack/commands.h"

#include <algorithm>
#include <array>

#include "core/utf8.h"

namespace storybot::slack {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> Decode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return InvalidArgument(std::string(what) + ": bad percent-encoding");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  if (!utf8::IsValid(out)) return InvalidArgument(std::string(what) + ": must be UTF-8");
  return out;
}

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> ParseForm(std::string_view body) {
  std::map<std::string, std::string> form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = Decode(pair.substr(0, eq), "form field name");
    if (!key.ok()) return key.error();
    auto value = Decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                        key.value());
    if (!value.ok()) return value.error();
    form[std::move(key).value()] = std::move(value).value();
  }
  return form;
}

Result<SlashCommand> ParseSlashCommand(const std::map<std::string, std::string>& form) {
  auto field = [&form](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  SlashCommand command{field("command"),    std::string(Trim(field("text"))),
                       field("channel_id"), field("user_id"),
                       field("user_name"),  field("response_url"),
                       field("trigger_id")};
  const std::array<std::pair<const char*, const std::string*>, 4> required = {{
      {"command", &command.command},
      {"channel_id", &command.channel_id},
      {"user_id", &command.user_id},
      {"trigger_id", &command.trigger_id},
  }};
  for (const auto& [name, value] : required) {
    if (value->empty()) return InvalidArgument(std::string(name) + ": is required");
  }
  return command;
}

bool IsHelpRequest(std::string_view text) {
  const std::string word = Lower(Trim(text));
  return word == "help" || word == "/help" || word == "帮助";
}

std::string ChatText(std::string_view text, bool slash) {
  text = Trim(text);
  const std::string word = Lower(text);
  for (const char* command : {"continue", "themes", "reset", "start", "help"}) {
    if (word == command) return std::string("/") + command;
  }
  if (!slash) return std::string(text);  // plain text is a story request; "/x" stays a command
  return text.empty() ? std::string("/story") : "/story " + std::string(text);
}

}  // namespace storybot::slack
