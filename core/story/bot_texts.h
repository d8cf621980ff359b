#pragma once
// The bot's own words (not stories) in English and Chinese.
#include <string>
#include <string_view>

#include "core/story/story.h"

namespace storybot {

enum class BotText {
  kGreeting,      // /start; {name} is replaced
  kHelp,          // /help
  kThemesHeader,  // /themes, before the list
  kNoThemes,      // /themes with no enabled prompt
  kWriting,       // "writing your story…"
  kNothingToContinue,
  kResetDone,
  kStoryFailed,  // every engine failed
};

// The text in `language`; "{name}" in the greeting is replaced by `name` (or a friendly default).
std::string Text(BotText text, Language language, std::string_view name = {});

}  // namespace storybot
