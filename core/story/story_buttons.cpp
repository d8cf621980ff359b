#include "core/story/story_buttons.h"

#include <charconv>

namespace storybot {
namespace {

constexpr std::string_view kPrefix = "sb1:";

std::string_view Code(ButtonAction action) {
  switch (action) {
    case ButtonAction::kContinue:
      return "c";
    case ButtonAction::kNewStory:
      return "n";
    case ButtonAction::kLike:
      return "up";
    case ButtonAction::kDislike:
      return "down";
    case ButtonAction::kNone:
      break;
  }
  return "";
}

}  // namespace

std::string EncodeButton(ButtonAction action, std::int64_t story_id) {
  return std::string(kPrefix) + std::string(Code(action)) + ":" + std::to_string(story_id);
}

std::optional<ButtonPress> DecodeButton(std::string_view data) {
  if (!data.starts_with(kPrefix)) return std::nullopt;
  data.remove_prefix(kPrefix.size());
  const std::size_t colon = data.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view code = data.substr(0, colon);
  const std::string_view id = data.substr(colon + 1);
  ButtonPress press;
  for (ButtonAction a : {ButtonAction::kContinue, ButtonAction::kNewStory, ButtonAction::kLike,
                         ButtonAction::kDislike}) {
    if (code == Code(a)) press.action = a;
  }
  if (press.action == ButtonAction::kNone || id.empty() || id.size() > 18) return std::nullopt;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), press.story_id);
  if (ec != std::errc() || end != id.data() + id.size() || press.story_id <= 0) {
    return std::nullopt;
  }
  return press;
}

std::vector<StoryButton> StoryButtons(Language language) {
  const bool zh = language == Language::kChinese;
  return {{ButtonAction::kContinue, zh ? "继续 ▶" : "Continue ▶"},
          {ButtonAction::kNewStory, zh ? "新故事 ✨" : "New story ✨"},
          {ButtonAction::kLike, "👍"},
          {ButtonAction::kDislike, "👎"}};
}

std::string_view ButtonActionName(ButtonAction action) {
  switch (action) {
    case ButtonAction::kContinue:
      return "continue";
    case ButtonAction::kNewStory:
      return "new_story";
    case ButtonAction::kLike:
      return "like";
    case ButtonAction::kDislike:
      return "dislike";
    case ButtonAction::kNone:
      break;
  }
  return "none";
}

}  // namespace storybot
