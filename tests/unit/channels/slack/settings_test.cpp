// The Slack channel's settings (channels/slack/settings.cpp).
#include "channels/slack/settings.h"

#include <gtest/gtest.h>

#include "tests/support/config_sources.h"

namespace storybot::slack {
namespace {

Result<Config> Load(std::map<std::string, std::string> env) {
  return LoadConfig(test::FromEnv(std::move(env), "", {&SettingsRows()}));
}

TEST(SlackSettingsTest, DefaultsAndEnvironment) {
  auto defaults = Load({});
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  Settings s = ReadSettings(defaults.value().values);
  EXPECT_EQ(s.signing_secret, "");  // the channel is off
  EXPECT_EQ(s.bot_token, "");
  EXPECT_EQ(s.api_url, "https://slack.com/api");

  auto set = Load({{"STORYBOT_SLACK_SIGNING_SECRET", "sig"},
                   {"STORYBOT_SLACK_BOT_TOKEN", "xoxb-1"},
                   {"STORYBOT_SLACK_API_URL", "http://127.0.0.1:9/api"}});
  ASSERT_TRUE(set.ok()) << set.error().message;
  s = ReadSettings(set.value().values);
  EXPECT_EQ(s.signing_secret, "sig");
  EXPECT_EQ(s.bot_token, "xoxb-1");
  EXPECT_EQ(s.api_url, "http://127.0.0.1:9/api");
  const std::vector<std::string> secrets = SecretValues(set.value());
  EXPECT_EQ(secrets, (std::vector<std::string>{"sig", "xoxb-1"}));
}

TEST(SlackSettingsTest, ApiUrlMustBeAUrl) {
  auto config = Load({{"STORYBOT_SLACK_API_URL", "slack.com"}});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("slack.api_url"), std::string::npos);
  EXPECT_NE(config.error().message.find("STORYBOT_SLACK_API_URL"), std::string::npos);
}

}  // namespace
}  // namespace storybot::slack
