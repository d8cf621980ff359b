#pragma once
// Slash commands (POST /slack/commands): an application/x-www-form-urlencoded body.
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace storybot::slack {

// Decodes "a=1&b=x+y%21" ("+" is a space, %XX a byte). InvalidArgument for a bad %XX escape or
// a decoded value that is not UTF-8. Empty pairs ("a=1&&b=2") are skipped; a later duplicate
// key wins.
Result<std::map<std::string, std::string>> ParseForm(std::string_view body);

struct SlashCommand {
  std::string command;  // "/story"
  std::string text;     // what follows the command, trimmed
  std::string channel_id;
  std::string user_id;
  std::string user_name;     // Slack's (deprecated) handle; may be empty
  std::string response_url;  // where to answer when the bot cannot post in the channel
  std::string trigger_id;    // unique per invocation: the delivery's dedupe key
};

// InvalidArgument naming the first missing field of command, channel_id, user_id, trigger_id.
Result<SlashCommand> ParseSlashCommand(const std::map<std::string, std::string>& form);

// True for "help" (any case) and "帮助": answered at once with the help text, no job.
bool IsHelpRequest(std::string_view text);

// The chat text a job is given for what a user typed after the bot's name or /story:
// "continue", "themes", "reset" and "start" (alone, any case) become those commands, other text
// a story request. `slash` marks /story's argument ("" → "/story", "dragons" → "/story dragons").
std::string ChatText(std::string_view text, bool slash);

}  // namespace storybot::slack
