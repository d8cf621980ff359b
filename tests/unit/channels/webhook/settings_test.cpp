// The webhook channel's settings (channels/webhook/settings.cpp).
#include "channels/webhook/settings.h"

#include <gtest/gtest.h>

#include "tests/support/config_sources.h"

namespace storybot::webhook {
namespace {

Result<Config> Load(std::map<std::string, std::string> env) {
  return LoadConfig(test::FromEnv(std::move(env), "", {&SettingsRows()}));
}

TEST(WebhookSettingsTest, DefaultsAndRanges) {
  auto defaults = Load({});
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  Settings s = ReadSettings(defaults.value().values);
  EXPECT_EQ(s.sync_timeout_s, 25);
  EXPECT_EQ(s.callback_retry_s, 24 * 60 * 60);

  auto set =
      Load({{"STORYBOT_WEBHOOK_SYNC_TIMEOUT_S", "0"}, {"STORYBOT_WEBHOOK_CALLBACK_RETRY_S", "60"}});
  ASSERT_TRUE(set.ok()) << set.error().message;
  s = ReadSettings(set.value().values);
  EXPECT_EQ(s.sync_timeout_s, 0);  // always answer 202 at once
  EXPECT_EQ(s.callback_retry_s, 60);

  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"STORYBOT_WEBHOOK_SYNC_TIMEOUT_S", "301"},
                                          {"STORYBOT_WEBHOOK_CALLBACK_RETRY_S", "0"}}) {
    auto bad = Load({{name, value}});
    ASSERT_FALSE(bad.ok()) << name;
    EXPECT_NE(bad.error().message.find(name), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace storybot::webhook
