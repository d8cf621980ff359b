#pragma once
// The buttons under every story: "Continue ▶", "New story ✨", 👍 and 👎. One compact text form,
// "sb1:<action>:<story id>" (at most 25 bytes: it fits Telegram's 64-byte callback_data, Slack's
// action value and Discord's custom_id), shared by every channel so that core reads a press the
// same way whichever channel carried it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat.h"
#include "core/story/story.h"

namespace storybot {

struct ButtonPress {
  ButtonAction action = ButtonAction::kNone;
  std::int64_t story_id = 0;
};

// "sb1:c:42" for Continue under story 42 (c, n, up, down).
std::string EncodeButton(ButtonAction action, std::int64_t story_id);
// The press `data` encodes, or nothing when it is not one of ours (another bot's data, a stale
// format, a story id that is not a positive integer).
std::optional<ButtonPress> DecodeButton(std::string_view data);

// The four buttons in display order, with their labels in `language`.
struct StoryButton {
  ButtonAction action;
  std::string label;
};
std::vector<StoryButton> StoryButtons(Language language);

// "continue", "new_story", "like", "dislike" (logs and metrics labels).
std::string_view ButtonActionName(ButtonAction action);

}  // namespace storybot
