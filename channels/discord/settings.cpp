#include "channels/discord/settings.h"

#include <algorithm>

namespace storybot::discord {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The Developer Portal shows the public key as 64 hex digits.
Status CheckPublicKey(std::string_view v) {
  if (v.empty()) return {};
  if (v.size() != 64 || !std::all_of(v.begin(), v.end(), IsHex)) {
    return InvalidArgument("must be the 64 hex digits of the application's public key");
  }
  return {};
}

// Application ids are snowflakes: decimal numbers.
Status CheckApplicationId(std::string_view v) {
  if (v.empty()) return {};
  if (v.size() > 20 || !std::all_of(v.begin(), v.end(), IsDigit))
    return InvalidArgument("must be a decimal id");
  return {};
}

}  // namespace

const SettingsTable& SettingsRows() {
  static const SettingsTable table{
      {
          StringRow("DISCORD_PUBLIC_KEY", "discord.public_key", "",
                    "the application's Ed25519 public key (hex); empty: Discord adapter off",
                    CheckPublicKey),
          StringRow("DISCORD_APPLICATION_ID", "discord.application_id", "",
                    "application id; with the bot token, the slash commands are registered at "
                    "start",
                    CheckApplicationId),
          SecretRow("DISCORD_BOT_TOKEN", "discord.bot_token",
                    "bot token, used only to register the slash commands"),
          StringRow("DISCORD_API_URL", "discord.api_url", "https://discord.com/api/v10",
                    "Discord HTTP API base", [](std::string_view v) { return CheckUrl(v, false); }),
      },
      nullptr};
  return table;
}

Settings ReadSettings(const ConfigValues& values) {
  Settings s;
  s.public_key = values.Text("discord.public_key");
  s.application_id = values.Text("discord.application_id");
  s.bot_token = values.Text("discord.bot_token");
  s.api_url = values.Text("discord.api_url");
  return s;
}

}  // namespace storybot::discord
