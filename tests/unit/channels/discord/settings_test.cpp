// The Discord channel's settings (channels/discord/settings.cpp).
#include "channels/discord/settings.h"

#include <gtest/gtest.h>

#include "tests/support/config_sources.h"

namespace storybot::discord {
namespace {

const std::string kKey(64, 'a');

Result<Config> Load(std::map<std::string, std::string> env) {
  return LoadConfig(test::FromEnv(std::move(env), "", {&SettingsRows()}));
}

TEST(DiscordSettingsTest, DefaultsAndEnvironment) {
  auto defaults = Load({});
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  Settings s = ReadSettings(defaults.value().values);
  EXPECT_EQ(s.public_key, "");  // the channel is off
  EXPECT_EQ(s.application_id, "");
  EXPECT_EQ(s.bot_token, "");
  EXPECT_EQ(s.api_url, "https://discord.com/api/v10");

  auto set = Load({{"STORYBOT_DISCORD_PUBLIC_KEY", kKey},
                   {"STORYBOT_DISCORD_APPLICATION_ID", "1100000000000000001"},
                   {"STORYBOT_DISCORD_BOT_TOKEN", "bot-token"},
                   {"STORYBOT_DISCORD_API_URL", "http://127.0.0.1:9/api/v10"}});
  ASSERT_TRUE(set.ok()) << set.error().message;
  s = ReadSettings(set.value().values);
  EXPECT_EQ(s.public_key, kKey);
  EXPECT_EQ(s.application_id, "1100000000000000001");
  EXPECT_EQ(s.bot_token, "bot-token");
  EXPECT_EQ(s.api_url, "http://127.0.0.1:9/api/v10");
  // Only the bot token is secret: a public key is public.
  EXPECT_EQ(SecretValues(set.value()), (std::vector<std::string>{"bot-token"}));
}

TEST(DiscordSettingsTest, RefusesMalformedValues) {
  const std::pair<std::string, std::string> bad[] = {
      {"STORYBOT_DISCORD_PUBLIC_KEY", "abc"},
      {"STORYBOT_DISCORD_PUBLIC_KEY", std::string(63, 'a') + "g"},
      {"STORYBOT_DISCORD_APPLICATION_ID", "12ab"},
      {"STORYBOT_DISCORD_API_URL", "discord.com"},
  };
  for (const auto& [name, value] : bad) {
    auto config = Load({{name, value}});
    ASSERT_FALSE(config.ok()) << name << "=" << value;
    EXPECT_NE(config.error().message.find(name), std::string::npos) << config.error().message;
  }
}

}  // namespace
}  // namespace storybot::discord
