#include "core/config.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <set>

#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

// Config sources from a map instead of the process environment.
ConfigSources FromEnv(std::map<std::string, std::string> env, std::string file = "") {
  ConfigSources sources;
  sources.file_path = std::move(file);
  for (const auto& [name, value] : env) sources.env_names.push_back(name);
  sources.env = [env](const std::string& name, std::string& value) {
    auto it = env.find(name);
    if (it == env.end()) return false;
    value = it->second;
    return true;
  };
  return sources;
}

std::string WriteFile(const test::TempDir& dir, const std::string& text) {
  const std::string path = dir.File("config.json");
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, DefaultsMatchTheContract) {
  auto config = LoadConfig(FromEnv({}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Config& c = config.value();
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_GE(c.http.threads, 1);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.log_dir, "./logs");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.cors_origins, std::vector<std::string>{"http://localhost:5173"});
  EXPECT_EQ(c.admin_web_dir, "admin-web/dist");
  EXPECT_EQ(c.llm.timeout_s, 60);
  EXPECT_EQ(c.workers, 64);
  EXPECT_EQ(c.telegram.mode, "webhook");
  EXPECT_EQ(c.telegram.api_url, "https://api.telegram.org");
  EXPECT_EQ(c.slack.api_url, "https://slack.com/api");
}

TEST(ConfigTest, EnvironmentOverridesFileOverridesDefaults) {
  test::TempDir dir;
  const std::string file =
      WriteFile(dir, R"({"http": {"port": 9000, "host": "0.0.0.0"}, "log": {"level": "debug"}})");
  auto config = LoadConfig(FromEnv({{"STORYBOT_HTTP_PORT", "9100"}}, file));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config.value().http.port, 9100);       // environment wins
  EXPECT_EQ(config.value().http.host, "0.0.0.0");  // from the file
  EXPECT_EQ(config.value().log_level, "debug");    // from the file
  EXPECT_EQ(config.value().data_dir, "./data");    // default
}

TEST(ConfigTest, UnknownFileKeyIsNamed) {
  test::TempDir dir;
  auto config = LoadConfig(FromEnv({}, WriteFile(dir, R"({"http": {"prot": 1}})")));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("http.prot"), std::string::npos) << config.error().message;
}

TEST(ConfigTest, UnknownEnvironmentVariableIsAWarningNamingIt) {
  std::vector<std::string> warnings;
  auto config = LoadConfig(FromEnv({{"STORYBOT_HTTP_PROT", "1"}}), &warnings);
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("STORYBOT_HTTP_PROT"), std::string::npos);
}

TEST(ConfigTest, InvalidValuesNameTheSetting) {
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"STORYBOT_HTTP_PORT", "70000"},
                                          {"STORYBOT_HTTP_THREADS", "many"},
                                          {"STORYBOT_LOG_LEVEL", "loud"},
                                          {"STORYBOT_TELEGRAM_MODE", "carrier-pigeon"},
                                          {"STORYBOT_LLM_BASE_URL", "ftp://x"},
                                          {"STORYBOT_CORS_ORIGINS", "http://ok:1,not an origin"},
                                          {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", "has spaces"},
                                          {"STORYBOT_WORKERS", "0"}}) {
    auto config = LoadConfig(FromEnv({{name, value}}));
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_NE(config.error().message.find(name), std::string::npos) << config.error().message;
  }
}

TEST(ConfigTest, WrongJsonTypeIsNamed) {
  test::TempDir dir;
  auto config = LoadConfig(FromEnv({}, WriteFile(dir, R"({"http": {"port": "8080"}})")));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("http.port"), std::string::npos);
  EXPECT_NE(config.error().message.find("integer"), std::string::npos);
}

TEST(ConfigTest, MalformedFileAndMissingFileAreErrors) {
  test::TempDir dir;
  EXPECT_FALSE(LoadConfig(FromEnv({}, WriteFile(dir, "{not json"))).ok());
  auto missing = LoadConfig(FromEnv({}, dir.File("nope.json")));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.json"), std::string::npos);
}

TEST(ConfigTest, CorsOriginsFromEnvironmentList) {
  auto config =
      LoadConfig(FromEnv({{"STORYBOT_CORS_ORIGINS", "https://a.example, http://localhost:3000"}}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config.value().cors_origins,
            (std::vector<std::string>{"https://a.example", "http://localhost:3000"}));
}

TEST(ConfigTest, TelegramWebhookModeNeedsASecret) {
  auto config = LoadConfig(FromEnv({{"STORYBOT_TELEGRAM_BOT_TOKEN", "123:abc"}}));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("STORYBOT_TELEGRAM_WEBHOOK_SECRET"), std::string::npos);
  EXPECT_TRUE(LoadConfig(FromEnv({{"STORYBOT_TELEGRAM_BOT_TOKEN", "123:abc"},
                                  {"STORYBOT_TELEGRAM_MODE", "polling"}}))
                  .ok());
}

TEST(ConfigTest, DescribeMasksSecrets) {
  auto config = LoadConfig(FromEnv({{"STORYBOT_ADMIN_TOKEN", "super-secret-admin"},
                                    {"STORYBOT_LLM_API_KEY", "sk-very-secret"}}));
  ASSERT_TRUE(config.ok());
  const std::string text = DescribeConfig(config.value());
  EXPECT_EQ(text.find("super-secret-admin"), std::string::npos);
  EXPECT_EQ(text.find("sk-very-secret"), std::string::npos);
  const auto json = boost::json::parse(text).as_object();
  EXPECT_EQ(json.at("admin").at("token").as_string(), "***");
  EXPECT_EQ(json.at("llm").at("api_key").as_string(), "***");
  EXPECT_EQ(json.at("slack").at("bot_token").as_string(), "");  // unset stays visible as unset
  EXPECT_EQ(json.at("http").at("port").as_int64(), 8080);
}

// The example file documents every setting, and loads as it is.
TEST(ConfigTest, ExampleFileCoversEverySettingAndLoads) {
  const std::string path = std::string(STORYBOT_SOURCE_DIR) + "/config/storybot.example.json";
  auto config = LoadConfig(FromEnv({}, path));
  ASSERT_TRUE(config.ok()) << config.error().message;
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto json = boost::json::parse(text).as_object();
  for (const SettingInfo& s : ListSettings()) {
    const boost::json::object* node = &json;
    std::string key = s.json_key;
    for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
      ASSERT_TRUE(node->contains(key.substr(0, dot))) << s.json_key;
      node = &node->at(key.substr(0, dot)).as_object();
      key = key.substr(dot + 1);
    }
    EXPECT_TRUE(node->contains(key)) << "example file lacks " << s.json_key;
  }
}

}  // namespace
}  // namespace storybot
