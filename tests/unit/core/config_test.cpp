#include "core/config.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <set>

#include "app/channels.h"
#include "tests/support/config_sources.h"
#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

using test::FromEnv;

// A channel's section as a channel declares it (channels/<name>/settings.cpp), without naming one.
const SettingsTable& FakeChannelRows() {
  static const SettingsTable table{
      {SecretRow("FAKE_TOKEN", "fake.token", "the fake channel's token"),
       StringRow("FAKE_MODE", "fake.mode", "on", "on or off",
                 [](std::string_view v) {
                   return CheckOneOf(v, {"on", "off"});
                 }),
       IntRow("FAKE_LIMIT", "fake.limit", 5, 1, 9, "a number")},
      [](const ConfigValues& values) -> Status {
        if (values.Text("fake.mode") == "off" && !values.Text("fake.token").empty()) {
          return InvalidArgument(
              "fake.token: not used when fake.mode is off (STORYBOT_FAKE_TOKEN)");
        }
        return {};
      }};
  return table;
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
                                          {"STORYBOT_LLM_BASE_URL", "ftp://x"},
                                          {"STORYBOT_CORS_ORIGINS", "http://ok:1,not an origin"},
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

TEST(ConfigTest, DescribeMasksSecrets) {
  auto config = LoadConfig(FromEnv(
      {{"STORYBOT_ADMIN_TOKEN", "super-secret-admin"}, {"STORYBOT_LLM_API_KEY", "sk-very-secret"}},
      "", {&FakeChannelRows()}));
  ASSERT_TRUE(config.ok());
  const std::string text = DescribeConfig(config.value());
  EXPECT_EQ(text.find("super-secret-admin"), std::string::npos);
  EXPECT_EQ(text.find("sk-very-secret"), std::string::npos);
  const auto json = boost::json::parse(text).as_object();
  EXPECT_EQ(json.at("admin").at("token").as_string(), "***");
  EXPECT_EQ(json.at("llm").at("api_key").as_string(), "***");
  EXPECT_EQ(json.at("fake").at("token").as_string(), "");  // unset stays visible as unset
  EXPECT_EQ(json.at("http").at("port").as_int64(), 8080);
}

// A channel's table is loaded like core's: defaults, file section, environment, its own checks;
// --help lists it, --check-config masks its secrets and the logger is given them.
TEST(ConfigTest, AChannelTableIsLoadedCheckedListedAndMasked) {
  const std::vector<const SettingsTable*> tables{&FakeChannelRows()};
  auto defaults = LoadConfig(FromEnv({}, "", tables));
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults.value().values.Text("fake.mode"), "on");
  EXPECT_EQ(defaults.value().values.Int("fake.limit"), 5);
  EXPECT_TRUE(SecretValues(defaults.value()).empty());  // empty secrets mask nothing

  test::TempDir dir;
  auto loaded = LoadConfig(FromEnv({{"STORYBOT_FAKE_TOKEN", "tok-from-env"}},
                                   WriteFile(dir, R"({"fake": {"limit": 7}})"), tables));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value().values.Int("fake.limit"), 7);
  EXPECT_EQ(loaded.value().values.Text("fake.token"), "tok-from-env");
  const std::vector<std::string> secrets = SecretValues(loaded.value());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "tok-from-env"), secrets.end());
  const std::string described = DescribeConfig(loaded.value());
  EXPECT_EQ(described.find("tok-from-env"), std::string::npos);
  EXPECT_EQ(boost::json::parse(described).at("fake").at("token").as_string(), "***");
  EXPECT_EQ(boost::json::parse(described).at("fake").at("limit").as_int64(), 7);

  auto bad = LoadConfig(FromEnv({{"STORYBOT_FAKE_LIMIT", "10"}}, "", tables));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(
      bad.error().message.find("fake.limit: must be an integer in 1..9 (STORYBOT_FAKE_LIMIT)"),
      std::string::npos)
      << bad.error().message;
  auto unknown = LoadConfig(FromEnv({}, WriteFile(dir, R"({"fake": {"colour": 1}})"), tables));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("fake.colour"), std::string::npos);
  auto crossed = LoadConfig(
      FromEnv({{"STORYBOT_FAKE_TOKEN", "t"}, {"STORYBOT_FAKE_MODE", "off"}}, "", tables));
  ASSERT_FALSE(crossed.ok());
  EXPECT_NE(crossed.error().message.find("STORYBOT_FAKE_TOKEN"), std::string::npos);

  // Without its table, the channel's settings are unknown.
  EXPECT_FALSE(LoadConfig(FromEnv({}, WriteFile(dir, R"({"fake": {"limit": 7}})"))).ok());
  std::vector<std::string> warnings;
  ASSERT_TRUE(LoadConfig(FromEnv({{"STORYBOT_FAKE_LIMT", "3"}}, "", tables), &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("did you mean STORYBOT_FAKE_LIMIT?"), std::string::npos)
      << warnings[0];

  bool listed = false;
  for (const SettingInfo& s : ListSettings(tables)) {
    if (s.env_name == "STORYBOT_FAKE_TOKEN") listed = s.json_key == "fake.token" && s.secret;
  }
  EXPECT_TRUE(listed);
}

// Every secret row of every table (core's and each channel's) reaches the logger's mask list.
TEST(ConfigTest, EverySecretRowIsMasked) {
  std::map<std::string, std::string> env;
  std::vector<std::string> expected;
  int n = 0;
  for (const SettingInfo& s : ListSettings(ChannelSettings())) {
    if (!s.secret) continue;
    expected.push_back("Secret_" + std::to_string(++n) + "_value");
    env[s.env_name] = expected.back();
  }
  ASSERT_GE(expected.size(), 6u);  // admin, LLM, two Telegram, two Slack
  auto config = LoadConfig(FromEnv(env, "", ChannelSettings()));
  ASSERT_TRUE(config.ok()) << config.error().message;
  std::vector<std::string> secrets = SecretValues(config.value());
  std::sort(secrets.begin(), secrets.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(secrets, expected);
  const std::string described = DescribeConfig(config.value());
  for (const std::string& secret : expected) EXPECT_EQ(described.find(secret), std::string::npos);
}

// The example file documents every setting, and loads as it is.
TEST(ConfigTest, ExampleFileCoversEverySettingAndLoads) {
  const std::string path = std::string(STORYBOT_SOURCE_DIR) + "/config/storybot.example.json";
  auto config = LoadConfig(FromEnv({}, path, ChannelSettings()));
  ASSERT_TRUE(config.ok()) << config.error().message;
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto json = boost::json::parse(text).as_object();
  for (const SettingInfo& s : ListSettings(ChannelSettings())) {
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
