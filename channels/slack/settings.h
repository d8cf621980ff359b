#pragma once
// The Slack channel's settings: its section of the settings table (STORYBOT_SLACK_*, "slack.*" in
// the config file) and the typed values the channel reads.
#include <string>

#include "core/config.h"

namespace storybot::slack {

struct Settings {
  std::string signing_secret;  // empty: the channel is off
  std::string bot_token;
  std::string api_url;
};

const SettingsTable& SettingsRows();
// From values loaded with SettingsRows() (and so already checked).
Settings ReadSettings(const ConfigValues& values);

}  // namespace storybot::slack
