#include "channels/telegram/settings.h"

#include <algorithm>

namespace storybot::telegram {
namespace {

// What Telegram accepts as secret_token in setWebhook.
Status CheckWebhookSecret(std::string_view v) {
  if (v.empty()) return {};
  const bool ok = v.size() <= 256 && std::all_of(v.begin(), v.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-';
                  });
  if (!ok) return InvalidArgument("must be 1-256 characters of A-Z a-z 0-9 _ -");
  return {};
}

Status CheckWebhookUrl(std::string_view v) {
  if (v.empty()) return {};
  if (!v.starts_with("https://") || !CheckUrl(v, false).ok()) {
    return InvalidArgument(
        "must be an https:// URL: Telegram delivers webhooks over HTTPS only (put "
        "deploy/nginx/storybot.conf with a certificate in front), or use "
        "telegram.mode polling");
  }
  return {};
}

// Webhook mode without a secret would accept updates from anyone who finds the URL.
Status CheckMode(const ConfigValues& values) {
  const Settings s = ReadSettings(values);
  if (!s.bot_token.empty() && s.mode == "webhook" && s.webhook_secret.empty()) {
    return InvalidArgument(
        "telegram.webhook_secret: required when telegram.bot_token is set in webhook mode "
        "(STORYBOT_TELEGRAM_WEBHOOK_SECRET)");
  }
  return {};
}

}  // namespace

const SettingsTable& SettingsRows() {
  static const SettingsTable table{
      {
          SecretRow("TELEGRAM_BOT_TOKEN", "telegram.bot_token",
                    "Telegram bot token; empty: Telegram adapter off"),
          StringRow("TELEGRAM_MODE", "telegram.mode", "webhook", "webhook or polling",
                    [](std::string_view v) {
                      return CheckOneOf(v, {"webhook", "polling"});
                    }),
          SecretRow("TELEGRAM_WEBHOOK_SECRET", "telegram.webhook_secret",
                    "required in webhook mode: 1-256 of A-Za-z0-9_-", CheckWebhookSecret),
          StringRow("TELEGRAM_API_URL", "telegram.api_url", "https://api.telegram.org",
                    "Bot API base; calls go to {base}/bot{token}/{method}",
                    [](std::string_view v) { return CheckUrl(v, false); }),
          StringRow("TELEGRAM_WEBHOOK_URL", "telegram.webhook_url", "",
                    "public https URL of POST /telegram/webhook; when set, storybot registers it "
                    "with setWebhook (and the secret token) at start",
                    CheckWebhookUrl),
          StringRow("TELEGRAM_PARSE_MODE", "telegram.parse_mode", "plain",
                    "plain (default) or MarkdownV2 (replies are escaped so they show as written)",
                    [](std::string_view v) {
                      return CheckOneOf(v, {"plain", "MarkdownV2"});
                    }),
      },
      CheckMode};
  return table;
}

Settings ReadSettings(const ConfigValues& values) {
  Settings s;
  s.bot_token = values.Text("telegram.bot_token");
  s.mode = values.Text("telegram.mode");
  s.webhook_secret = values.Text("telegram.webhook_secret");
  s.api_url = values.Text("telegram.api_url");
  s.webhook_url = values.Text("telegram.webhook_url");
  s.parse_mode = values.Text("telegram.parse_mode");
  return s;
}

}  // namespace storybot::telegram
