// Every setting a table marks secret (core's in core/config.cpp, each channel's in
// channels/<name>/settings.cpp) is masked by --check-config and in every log line of the real
// binary: no list of secrets is kept by hand anywhere.
#include <csignal>
#include <fstream>
#include <map>

#include "app/channels.h"
#include "core/config.h"
#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

// Each secret setting with a value of its own that passes its row's check.
std::map<std::string, std::string> UniqueSecrets() {
  std::map<std::string, std::string> secrets;
  int n = 0;
  for (const SettingInfo& s : ListSettings(ChannelSettings())) {
    if (s.secret)
      secrets[s.env_name] = "Zq" + std::to_string(++n) + "_secret-" + s.json_key.substr(0, 3);
  }
  return secrets;
}

TEST(ConfigSecretsTest, EverySecretSettingIsMaskedInCheckConfigAndTheLog) {
  const std::map<std::string, std::string> secrets = UniqueSecrets();
  for (const char* name : {"STORYBOT_ADMIN_TOKEN", "STORYBOT_LLM_API_KEY",
                           "STORYBOT_TELEGRAM_BOT_TOKEN", "STORYBOT_TELEGRAM_WEBHOOK_SECRET",
                           "STORYBOT_SLACK_SIGNING_SECRET", "STORYBOT_SLACK_BOT_TOKEN"}) {
    EXPECT_TRUE(secrets.contains(name)) << name << " is no longer marked secret";
  }
  std::map<std::string, std::string> env = secrets;
  // Every channel on, its platform calls failing at once (a closed port): they log, with the
  // tokens in their URLs.
  env["STORYBOT_TELEGRAM_API_URL"] = "http://127.0.0.1:1";
  env["STORYBOT_SLACK_API_URL"] = "http://127.0.0.1:1";

  TempDir dir;
  std::vector<std::string> argv = {STORYBOT_BINARY_FOR_TESTS, "--check-config"};
  std::string described;
  ASSERT_EQ(RunCommand(argv, env, described), 0) << described;
  for (const auto& [name, value] : secrets) {
    EXPECT_EQ(described.find(value), std::string::npos) << name << " shown by --check-config";
  }
  const auto json = boost::json::parse(described.substr(0, described.rfind('}') + 1));
  for (const SettingInfo& s : ListSettings(ChannelSettings())) {
    if (!s.secret) continue;
    const std::string section = s.json_key.substr(0, s.json_key.find('.'));
    const std::string key = s.json_key.substr(s.json_key.find('.') + 1);
    EXPECT_EQ(json.at(section).at(key).as_string(), "***") << s.json_key;
  }

  StorybotProcess process(dir.path(), env);
  ASSERT_TRUE(process.Start()) << process.stdout_text();
  // Each secret also reaches the log the way an outsider could make it: in a request path.
  for (const auto& [name, value] : secrets) Fetch("GET", process.base_url() + "/probe/" + value);
  ASSERT_EQ(process.Stop(SIGTERM), 0);

  std::ifstream in(dir.path() + "/logs/storybot.ndjson");
  int probes = 0;
  for (std::string line; std::getline(in, line);) {
    for (const auto& [name, value] : secrets) {
      EXPECT_EQ(line.find(value), std::string::npos) << name << " in the log: " << line;
    }
    probes += line.find("/probe/***") != std::string::npos;
  }
  EXPECT_EQ(probes, static_cast<int>(secrets.size()));  // the lines are there, masked
}

}  // namespace
}  // namespace storybot::test
