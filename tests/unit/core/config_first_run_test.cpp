// Settings a new user gets wrong: a misspelt variable gets a suggestion, and Telegram's webhook
// URL must be HTTPS.
#include <gtest/gtest.h>

#include <map>

#include "core/config.h"

namespace storybot {
namespace {

ConfigSources FromEnv(std::map<std::string, std::string> env) {
  ConfigSources sources;
  for (const auto& [name, value] : env) sources.env_names.push_back(name);
  sources.env = [env](const std::string& name, std::string& value) {
    auto it = env.find(name);
    if (it == env.end()) return false;
    value = it->second;
    return true;
  };
  return sources;
}

TEST(ConfigFirstRunTest, AnUnknownVariableNamesTheClosestRealOne) {
  EXPECT_EQ(ClosestEnvName("STORYBOT_HTTP_PROT"), "STORYBOT_HTTP_PORT");
  EXPECT_EQ(ClosestEnvName("STORYBOT_PORT"), "STORYBOT_HTTP_PORT");
  EXPECT_EQ(ClosestEnvName("STORYBOT_TELEGRAM_TOKEN"), "STORYBOT_TELEGRAM_BOT_TOKEN");
  EXPECT_EQ(ClosestEnvName("STORYBOT_LLM_BASEURL"), "STORYBOT_LLM_BASE_URL");
  EXPECT_EQ(ClosestEnvName("STORYBOT_BIN"), "");  // another tool's: no silly suggestion

  std::vector<std::string> warnings;
  ASSERT_TRUE(LoadConfig(FromEnv({{"STORYBOT_WORKER", "4"}}), &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("STORYBOT_WORKER is ignored; did you mean STORYBOT_WORKERS?"),
            std::string::npos)
      << warnings[0];
}

TEST(ConfigFirstRunTest, TelegramWebhookUrlMustBeHttps) {
  auto plain = LoadConfig(FromEnv({{"STORYBOT_TELEGRAM_WEBHOOK_URL", "http://bot.example.com/x"}}));
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("https://"), std::string::npos) << plain.error().message;
  EXPECT_NE(plain.error().message.find("STORYBOT_TELEGRAM_WEBHOOK_URL"), std::string::npos);
  EXPECT_TRUE(
      LoadConfig(FromEnv({{"STORYBOT_TELEGRAM_WEBHOOK_URL", "https://bot.example.com/x"}})).ok());
  EXPECT_TRUE(LoadConfig(FromEnv({{"STORYBOT_TELEGRAM_WEBHOOK_URL", ""}})).ok());
}

}  // namespace
}  // namespace storybot
