// Settings a new user gets wrong: a misspelt variable gets a suggestion, a channel's among them
// (Telegram's webhook URL must be HTTPS: tests/unit/channels/telegram/settings_test.cpp).
#include <gtest/gtest.h>

#include "app/channels.h"
#include "core/config.h"
#include "tests/support/config_sources.h"

namespace storybot {
namespace {

using test::FromEnv;

TEST(ConfigFirstRunTest, AnUnknownVariableNamesTheClosestRealOne) {
  EXPECT_EQ(ClosestEnvName("STORYBOT_HTTP_PROT", ChannelSettings()), "STORYBOT_HTTP_PORT");
  EXPECT_EQ(ClosestEnvName("STORYBOT_PORT", ChannelSettings()), "STORYBOT_HTTP_PORT");
  EXPECT_EQ(ClosestEnvName("STORYBOT_TELEGRAM_TOKEN", ChannelSettings()),
            "STORYBOT_TELEGRAM_BOT_TOKEN");
  EXPECT_EQ(ClosestEnvName("STORYBOT_LLM_BASEURL", ChannelSettings()), "STORYBOT_LLM_BASE_URL");
  EXPECT_EQ(ClosestEnvName("STORYBOT_BIN", ChannelSettings()),
            "");  // another tool's: no silly suggestion

  std::vector<std::string> warnings;
  ASSERT_TRUE(LoadConfig(FromEnv({{"STORYBOT_WORKER", "4"}}), &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("STORYBOT_WORKER is ignored; did you mean STORYBOT_WORKERS?"),
            std::string::npos)
      << warnings[0];
  warnings.clear();  // a channel's setting, as the binary loads them (app/channels.cpp)
  ASSERT_TRUE(
      LoadConfig(FromEnv({{"STORYBOT_TELEGRAM_TOKEN", "1:a"}}, "", ChannelSettings()), &warnings)
          .ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("did you mean STORYBOT_TELEGRAM_BOT_TOKEN?"), std::string::npos)
      << warnings[0];
}

}  // namespace
}  // namespace storybot
