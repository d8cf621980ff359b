#include "channels/webhook/settings.h"

namespace storybot::webhook {

const SettingsTable& SettingsRows() {
  static const SettingsTable table{
      {
          IntRow("WEBHOOK_SYNC_TIMEOUT_S", "webhook.sync_timeout_s", 25, 0, 300,
                 "seconds POST /webhooks/{integration} waits for the story before answering 202"),
          IntRow("WEBHOOK_CALLBACK_RETRY_S", "webhook.callback_retry_s", 24 * 60 * 60, 1,
                 7 * 24 * 3600,
                 "seconds a failing webhook callback is retried (exponential backoff)"),
      },
      nullptr};
  return table;
}

Settings ReadSettings(const ConfigValues& values) {
  Settings s;
  s.sync_timeout_s = values.Int("webhook.sync_timeout_s");
  s.callback_retry_s = values.Int("webhook.callback_retry_s");
  return s;
}

}  // namespace storybot::webhook
