#pragma once
// The webhook channel's settings: its section of the settings table (STORYBOT_WEBHOOK_*,
// "webhook.*" in the config file) and the typed values the channel reads.
#include "core/config.h"

namespace storybot::webhook {

struct Settings {
  int sync_timeout_s = 0;    // how long POST /webhooks/{name} waits for the story
  int callback_retry_s = 0;  // how long a failing callback is retried
};

const SettingsTable& SettingsRows();
// From values loaded with SettingsRows() (and so already checked).
Settings ReadSettings(const ConfigValues& values);

}  // namespace storybot::webhook
