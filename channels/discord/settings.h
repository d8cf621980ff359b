#pragma once
// The Discord channel's settings: its section of the settings table (STORYBOT_DISCORD_*,
// "discord.*" in the config file) and the typed values the channel reads.
#include <string>

#include "core/config.h"

namespace storybot::discord {

struct Settings {
  std::string public_key;      // 64 hex digits (Ed25519); empty: the channel is off
  std::string application_id;  // for registering the commands
  std::string bot_token;       // for registering the commands
  std::string api_url;
};

const SettingsTable& SettingsRows();
// From values loaded with SettingsRows() (and so already checked).
Settings ReadSettings(const ConfigValues& values);

}  // namespace storybot::discord
