// The command line and start-up as a user meets them.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

std::string RunStorybot(const std::vector<std::string>& args,
                        std::map<std::string, std::string> env, int& status) {
  std::vector<std::string> argv = {STORYBOT_BINARY_FOR_TESTS};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  status = RunCommand(argv, env, output);
  return output;
}

TEST(CliTest, HelpAndVersion) {
  int status = -1;
  const std::string help = RunStorybot({"--help"}, {}, status);
  EXPECT_EQ(status, 0);
  for (const char* word : {"--config", "--check-config", "--version", "STORYBOT_HTTP_PORT"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  EXPECT_EQ(RunStorybot({"--version"}, {}, status).rfind("storybot ", 0), 0u);
  EXPECT_EQ(status, 0);
  RunStorybot({"--frobnicate"}, {}, status);
  EXPECT_EQ(status, 2);
}

TEST(CliTest, CheckConfigMasksSecretsAndShowsTheEffectiveValues) {
  TempDir dir;
  const std::string file = dir.File("c.json");
  std::ofstream(file) << R"({"http": {"port": 9123}, "llm": {"api_key": "sk-from-file"}})";
  int status = -1;
  const std::string out = RunStorybot(
      {"--check-config", "--config", file},
      {{"STORYBOT_ADMIN_TOKEN", "admin-secret-xyz"}, {"STORYBOT_LOG_LEVEL", "debug"}}, status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("9123"), std::string::npos);
  EXPECT_NE(out.find("\"debug\""), std::string::npos);
  EXPECT_EQ(out.find("admin-secret-xyz"), std::string::npos);
  EXPECT_EQ(out.find("sk-from-file"), std::string::npos);
  EXPECT_NE(out.find("***"), std::string::npos);
}

TEST(CliTest, InvalidConfigFailsFastNamingTheKey) {
  TempDir dir;
  const std::string file = dir.File("c.json");
  std::ofstream(file) << R"({"http": {"port": 8080, "colour": "red"}})";
  int status = -1;
  std::string out = RunStorybot({"--check-config", "--config", file}, {}, status);
  EXPECT_EQ(status, 1);
  EXPECT_NE(out.find("http.colour"), std::string::npos) << out;
  out = RunStorybot({}, {{"STORYBOT_HTTP_PORT", "eighty"}, {"STORYBOT_DATA_DIR", dir.File("d")}},
                    status);
  EXPECT_EQ(status, 1);
  EXPECT_NE(out.find("STORYBOT_HTTP_PORT"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.File("d")));  // failed before touching anything
}

TEST(CliTest, GeneratedAdminTokenIsPrivateAndPrintedOnce) {
  TempDir dir;
  std::string token;
  {
    StorybotProcess first(dir.path(), {{"STORYBOT_ADMIN_TOKEN", ""}});
    ASSERT_TRUE(first.Start()) << first.stdout_text();
    std::ifstream in(dir.path() + "/data/admin_token");
    std::getline(in, token);
    ASSERT_EQ(token.size(), 64u);
    EXPECT_NE(first.stdout_text().find(token), std::string::npos);  // shown on first start
    struct stat st {};
    ASSERT_EQ(stat((dir.path() + "/data/admin_token").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_EQ(
        Fetch("GET", first.base_url() + "/api/prompts", {{"Authorization", "Bearer " + token}})
            .status,
        200);
    EXPECT_EQ(first.Stop(SIGTERM), 0);
  }
  StorybotProcess second(dir.path(), {{"STORYBOT_ADMIN_TOKEN", ""}});
  ASSERT_TRUE(second.Start());
  EXPECT_EQ(second.stdout_text().find(token), std::string::npos);  // not again
  EXPECT_EQ(Fetch("GET", second.base_url() + "/api/prompts", {{"Authorization", "Bearer " + token}})
                .status,
            200);  // and still valid
}

TEST(CliTest, ListeningLineAndPortZero) {
  TempDir dir;
  StorybotProcess p(dir.path());
  ASSERT_TRUE(p.Start());
  EXPECT_NE(p.base_url().find("http://127.0.0.1:"), std::string::npos);
  EXPECT_NE(p.base_url(), "http://127.0.0.1:0");
}

}  // namespace
}  // namespace storybot::test
