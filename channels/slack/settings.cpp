#include "channels/slack/settings.h"

namespace storybot::slack {

const SettingsTable& SettingsRows() {
  static const SettingsTable table{
      {
          SecretRow("SLACK_SIGNING_SECRET", "slack.signing_secret",
                    "Slack signing secret; empty: Slack adapter off"),
          SecretRow("SLACK_BOT_TOKEN", "slack.bot_token", "xoxb-... token for chat.postMessage"),
          StringRow("SLACK_API_URL", "slack.api_url", "https://slack.com/api", "Slack Web API base",
                    [](std::string_view v) { return CheckUrl(v, false); }),
      },
      nullptr};
  return table;
}

Settings ReadSettings(const ConfigValues& values) {
  Settings s;
  s.signing_secret = values.Text("slack.signing_secret");
  s.bot_token = values.Text("slack.bot_token");
  s.api_url = values.Text("slack.api_url");
  return s;
}

}  // namespace storybot::slack
