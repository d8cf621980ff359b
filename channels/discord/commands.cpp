#include "channels/discord/commands.h"

#include <boost/json.hpp>

namespace storybot::discord {
namespace {

struct Command {
  const char* name;
  const char* name_zh;
  const char* description;
  const char* description_zh;
};

// Names are lower case (Discord's rule); descriptions at most 100 characters.
constexpr Command kCommands[] = {
    {"story", "故事", "Tell a new story, about a theme or wish if you give one",
     "讲一个新故事，可以说一个主题或愿望"},
    {"continue", "继续", "The next chapter of the story, with the same characters",
     "讲下一章，还是原来的角色"},
    {"reset", "重来", "Forget this channel's story and start fresh",
     "忘掉这个频道的故事，重新开始"},
    {"help", "帮助", "How to use the story bot", "怎样使用故事机器人"},
    {"themes", "主题列表", "The kinds of stories I know", "我会讲的故事主题"},
};

boost::json::object ZhCn(const char* text) { return {{"zh-CN", text}}; }

}  // namespace

std::string CommandsJson() {
  boost::json::array commands;
  for (const Command& c : kCommands) {
    boost::json::object command{
        {"name", c.name},
        {"name_localizations", ZhCn(c.name_zh)},
        {"description", c.description},
        {"description_localizations", ZhCn(c.description_zh)},
        {"type", 1},  // CHAT_INPUT: a slash command
    };
    if (std::string_view(c.name) == "story") {
      command["options"] = boost::json::array{boost::json::object{
          {"type", 3},  // STRING
          {"name", kThemeOption},
          {"name_localizations", ZhCn("主题")},
          {"description", "A theme or wish: dragons, a brave turtle, the moon…"},
          {"description_localizations", ZhCn("主题或愿望：龙、勇敢的小乌龟、月亮……")},
          {"required", false},
          {"max_length", 200},
      }};
    }
    commands.push_back(std::move(command));
  }
  return boost::json::serialize(commands);
}

std::string ChatText(std::string_view command, std::string_view theme) {
  const auto first = theme.find_first_not_of(" \t\r\n");
  theme = first == std::string_view::npos
              ? std::string_view()
              : theme.substr(first, theme.find_last_not_of(" \t\r\n") - first + 1);
  if (command == "story") {
    return theme.empty() ? std::string("/story") : "/story " + std::string(theme);
  }
  for (const Command& c : kCommands) {
    if (command == c.name) return "/" + std::string(command);
  }
  return "/help";
}

}  // namespace storybot::discord
