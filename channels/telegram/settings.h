#pragma once
// The Telegram channel's settings: its section of the settings table (STORYBOT_TELEGRAM_*,
// "telegram.*" in the config file) and the typed values the channel reads.
#include <string>

#include "core/config.h"

namespace storybot::telegram {

struct Settings {
  std::string bot_token;       // empty: the channel is off
  std::string mode;            // "webhook" or "polling"
  std::string webhook_secret;  // required in webhook mode
  std::string api_url;
  std::string webhook_url;  // public URL: when set, setWebhook is called at start
  std::string parse_mode;   // "plain" or "MarkdownV2" (the text is escaped)
};

const SettingsTable& SettingsRows();
// From values loaded with SettingsRows() (and so already checked).
Settings ReadSettings(const ConfigValues& values);

}  // namespace storybot::telegram
