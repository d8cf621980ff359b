#pragma once
// storybot's slash commands on Discord: /story [theme], /continue, /reset, /help, /themes, with
// Chinese (zh-CN) names and descriptions, and the chat text each becomes for the story engine
// (the same commands Telegram users type).
#include <string>
#include <string_view>

namespace storybot::discord {

// /story's optional string option.
inline constexpr std::string_view kThemeOption = "theme";

// The body of the bulk overwrite (PUT /applications/{id}/commands): a JSON array of CHAT_INPUT
// commands. Registering replaces whatever the application had, so a start fixes any drift.
std::string CommandsJson();

// "story" + "dragons" → "/story dragons"; "continue" → "/continue"; a command storybot does not
// know (registered by someone else) → "/help".
std::string ChatText(std::string_view command, std::string_view theme);

}  // namespace storybot::discord
