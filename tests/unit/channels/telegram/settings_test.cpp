// The Telegram channel's settings (channels/telegram/settings.cpp): names, defaults and checks
// as users rely on them (README.md "Configuration", config/storybot.example.json).
#include "channels/telegram/settings.h"

#include <gtest/gtest.h>

#include "tests/support/config_sources.h"

namespace storybot::telegram {
namespace {

Result<Config> Load(std::map<std::string, std::string> env) {
  return LoadConfig(test::FromEnv(std::move(env), "", {&SettingsRows()}));
}

TEST(TelegramSettingsTest, Defaults) {
  auto config = Load({});
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Settings s = ReadSettings(config.value().values);
  EXPECT_EQ(s.bot_token, "");  // the channel is off
  EXPECT_EQ(s.mode, "webhook");
  EXPECT_EQ(s.api_url, "https://api.telegram.org");
  EXPECT_EQ(s.webhook_url, "");
  EXPECT_EQ(s.parse_mode, "plain");
}

TEST(TelegramSettingsTest, ReadFromTheEnvironment) {
  auto config = Load({{"STORYBOT_TELEGRAM_BOT_TOKEN", "123:abc"},
                      {"STORYBOT_TELEGRAM_MODE", "polling"},
                      {"STORYBOT_TELEGRAM_API_URL", "http://127.0.0.1:9/"},
                      {"STORYBOT_TELEGRAM_PARSE_MODE", "MarkdownV2"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Settings s = ReadSettings(config.value().values);
  EXPECT_EQ(s.bot_token, "123:abc");
  EXPECT_EQ(s.mode, "polling");
  EXPECT_EQ(s.api_url, "http://127.0.0.1:9/");
  EXPECT_EQ(s.parse_mode, "MarkdownV2");
}

TEST(TelegramSettingsTest, InvalidValuesNameTheSetting) {
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"STORYBOT_TELEGRAM_MODE", "carrier-pigeon"},
                                          {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", "has spaces"},
                                          {"STORYBOT_TELEGRAM_API_URL", "ftp://x"},
                                          {"STORYBOT_TELEGRAM_PARSE_MODE", "HTML"}}) {
    auto config = Load({{name, value}});
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_NE(config.error().message.find(name), std::string::npos) << config.error().message;
  }
}

TEST(TelegramSettingsTest, WebhookModeNeedsASecret) {
  auto config = Load({{"STORYBOT_TELEGRAM_BOT_TOKEN", "123:abc"}});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("STORYBOT_TELEGRAM_WEBHOOK_SECRET"), std::string::npos);
  EXPECT_TRUE(
      Load({{"STORYBOT_TELEGRAM_BOT_TOKEN", "123:abc"}, {"STORYBOT_TELEGRAM_MODE", "polling"}})
          .ok());
  EXPECT_TRUE(Load({{"STORYBOT_TELEGRAM_BOT_TOKEN", "123:abc"},
                    {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", "s3cret_-"}})
                  .ok());
}

TEST(TelegramSettingsTest, WebhookUrlMustBeHttps) {
  auto plain = Load({{"STORYBOT_TELEGRAM_WEBHOOK_URL", "http://bot.example.com/x"}});
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("https://"), std::string::npos) << plain.error().message;
  EXPECT_NE(plain.error().message.find("STORYBOT_TELEGRAM_WEBHOOK_URL"), std::string::npos);
  EXPECT_TRUE(Load({{"STORYBOT_TELEGRAM_WEBHOOK_URL", "https://bot.example.com/x"}}).ok());
  EXPECT_TRUE(Load({{"STORYBOT_TELEGRAM_WEBHOOK_URL", ""}}).ok());
}

TEST(TelegramSettingsTest, TokenAndWebhookSecretAreSecret) {
  for (const SettingRow& row : SettingsRows().rows) {
    const bool should = row.key == "telegram.bot_token" || row.key == "telegram.webhook_secret";
    EXPECT_EQ(row.secret, should) << row.key;
  }
}

}  // namespace
}  // namespace storybot::telegram
