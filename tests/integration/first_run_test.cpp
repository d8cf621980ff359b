// What a new user trips over at first start (issue 13): the admin panel found from another
// directory, a --config without a path, a misspelt variable in the log with a suggestion, an
// http:// Telegram webhook URL, and a webhook naming a prompt that does not exist.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "channels/webhook/signature.h"
#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int RunCli(const std::vector<std::string>& args, std::map<std::string, std::string> env,
           std::string& output) {
  std::vector<std::string> argv = {STORYBOT_BINARY_FOR_TESTS};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, env, output);
}

TEST(FirstRunTest, ConfigWithoutAPathSaysTheFlagNeedsOne) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--config"}, {"--config", "--check-config"}, {"--config="}}) {
    std::string out;
    EXPECT_EQ(RunCli(args, {}, out), 2);
    EXPECT_NE(out.find("--config needs the path of a JSON file"), std::string::npos) << out;
    EXPECT_EQ(out.find("unknown argument"), std::string::npos) << out;
  }
}

TEST(FirstRunTest, TelegramWebhookUrlOverPlainHttpFailsTheConfigCheck) {
  std::string out;
  EXPECT_EQ(RunCli({"--check-config"},
                   {{"STORYBOT_TELEGRAM_BOT_TOKEN", "1:x"},
                    {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", "s"},
                    {"STORYBOT_TELEGRAM_WEBHOOK_URL", "http://bot.example.com/telegram/webhook"}},
                   out),
            1);
  EXPECT_NE(out.find("STORYBOT_TELEGRAM_WEBHOOK_URL"), std::string::npos) << out;
  EXPECT_NE(out.find("HTTPS only"), std::string::npos) << out;
}

TEST(FirstRunTest, AnUnknownVariableIsInTheLogWithTheClosestRealName) {
  TempDir dir;
  StorybotProcess process(dir.path(), {{"STORYBOT_HTTP_PROT", "9999"}});
  ASSERT_TRUE(process.Start()) << process.stdout_text();
  EXPECT_EQ(process.Stop(SIGTERM), 0);
  const std::string log = ReadAll(dir.path() + "/logs/storybot.ndjson");
  EXPECT_NE(log.find("unknown environment variable STORYBOT_HTTP_PROT is ignored; did you mean "
                     "STORYBOT_HTTP_PORT?"),
            std::string::npos)
      << log.substr(0, 2000);
}

// Starts a copy of the binary in `install/bin/` from the unrelated directory `cwd` and returns
// its stdout+stderr up to (and a little after) the listening line, and its base URL.
struct Started {
  pid_t pid = -1;
  std::string output_file;
  std::string base_url;
};
Started StartFrom(const std::string& binary, const std::string& cwd, const std::string& dir) {
  Started s;
  s.output_file = dir + "/out.txt";
  const std::vector<std::string> env = {
      "PATH=/usr/bin:/bin", "STORYBOT_HTTP_PORT=0", "STORYBOT_DATA_DIR=" + dir + "/data",
      "STORYBOT_LOG_DIR=" + dir + "/logs",
      std::string("STORYBOT_ADMIN_TOKEN=") + StorybotProcess::kToken};
  // Built before fork: the child may not allocate (see Spawn in tests/support/storybot_process.cpp).
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(binary.c_str()), nullptr};
  s.pid = fork();
  if (s.pid == 0) {
    const int fd = open(s.output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(binary.c_str(), argv, envp.data());
    _exit(127);
  }
  constexpr std::string_view kListening = "storybot listening on ";
  WaitFor(
      [&] {
        const std::string out = ReadAll(s.output_file);
        const std::size_t at = out.find(kListening);
        const std::size_t end = at == std::string::npos ? at : out.find('\n', at);
        if (end == std::string::npos) return false;
        s.base_url = out.substr(at + kListening.size(), end - at - kListening.size());
        return true;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100));
  return s;
}

void StopStarted(Started& s) {
  if (s.pid <= 0) return;
  kill(s.pid, SIGTERM);
  int status = 0;
  WaitFor([&] { return waitpid(s.pid, &status, WNOHANG) != 0; }, std::chrono::seconds(15),
          std::chrono::milliseconds(100));
  kill(s.pid, SIGKILL);
  waitpid(s.pid, &status, WNOHANG);
}

TEST(FirstRunTest, TheBuiltPanelIsServedWhenStartedFromAnotherDirectory) {
  TempDir dir;
  fs::create_directories(dir.File("install/bin"));
  fs::create_directories(dir.File("install/admin-web/dist"));
  fs::create_directories(dir.File("elsewhere"));
  fs::copy_file(STORYBOT_BINARY_FOR_TESTS, dir.File("install/bin/storybot"));
  std::ofstream(dir.File("install/admin-web/dist/index.html")) << "<!doctype html><p>panel</p>";

  Started s = StartFrom(dir.File("install/bin/storybot"), dir.File("elsewhere"), dir.path());
  ASSERT_FALSE(s.base_url.empty()) << ReadAll(s.output_file);
  const HttpResult panel = Fetch("GET", s.base_url + "/admin/");
  StopStarted(s);
  EXPECT_EQ(panel.status, 200) << panel.body;
  EXPECT_NE(panel.body.find("panel"), std::string::npos);
  const std::string log = ReadAll(dir.File("logs/storybot.ndjson"));
  EXPECT_NE(log.find("admin panel served from " + dir.File("install/admin-web/dist")),
            std::string::npos)
      << log.substr(0, 2000);
}

TEST(FirstRunTest, AMissingPanelIsLoggedWithWhereItWasLookedFor) {
  TempDir dir;
  StorybotProcess process(dir.path(), {{"STORYBOT_ADMIN_WEB_DIR", dir.File("no-panel")}});
  ASSERT_TRUE(process.Start()) << process.stdout_text();
  EXPECT_NE(process.stdout_text().find("admin panel: not built"), std::string::npos)
      << process.stdout_text();
  EXPECT_EQ(process.Stop(SIGTERM), 0);
  const std::string log = ReadAll(dir.path() + "/logs/storybot.ndjson");
  EXPECT_NE(log.find("admin panel not built: no index.html in " + dir.File("no-panel")),
            std::string::npos)
      << log.substr(0, 2000);
}

class WebhookPromptTest : public StorybotTest {
 protected:
  HttpResult Deliver(const std::string& secret, const std::string& id, const std::string& body) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::string key = webhook::SecretKey(secret).value();
    return Fetch("POST", Url("/webhooks/acme"),
                 {{"webhook-id", id},
                  {"webhook-timestamp", std::to_string(now)},
                  {"webhook-signature", webhook::Sign(key, id, now, body)},
                  {"Content-Type", "application/json"}},
                 body, 30000);
  }
};

TEST_F(WebhookPromptTest, AnUnknownOrDisabledPromptIdIs400NamingIt) {
  auto created = Post("/api/integrations", R"({"name": "acme"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret(Json(created).at("secret").as_string());

  auto missing = Deliver(secret, "msg_1", R"({"user_id": "u1", "text": "owls", "prompt_id": 999})");
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_NE(ErrorMessageOf(missing).find("prompt 999 does not exist"), std::string::npos)
      << missing.body;

  auto prompt = Post("/api/prompts", R"({"content": "Once, {{request}}", "title": "Owls"})");
  ASSERT_EQ(prompt.status, 201) << prompt.body;
  const std::int64_t id = Json(prompt).at("id").as_int64();
  ASSERT_EQ(Put("/api/prompts/" + std::to_string(id), R"({"enabled": false})").status, 200);
  auto disabled =
      Deliver(secret, "msg_2",
              R"({"user_id": "u1", "text": "owls", "prompt_id": )" + std::to_string(id) + "}");
  EXPECT_EQ(disabled.status, 400) << disabled.body;
  EXPECT_NE(ErrorMessageOf(disabled).find("is disabled"), std::string::npos) << disabled.body;
  EXPECT_EQ(Json(Get("/api/stats")).at("messages").as_int64(), 0);  // nothing was stored

  ASSERT_EQ(Put("/api/prompts/" + std::to_string(id), R"({"enabled": true})").status, 200);
  auto ok =
      Deliver(secret, "msg_3",
              R"({"user_id": "u1", "text": "owls", "prompt_id": )" + std::to_string(id) + "}");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok).at("prompt_id").as_int64(), id);
}

}  // namespace
}  // namespace storybot::test
