// storybot: an AI story bot for Telegram, Slack and webhooks. See README.md.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/admin_cli.h"
#include "app/application.h"
#include "app/channels.h"
#include "core/config.h"
#include "storybot/version.h"

namespace {

constexpr std::string_view kUsage =
    R"(usage: storybot [--config FILE] [--check-config] [--help] [--version]

  --config FILE    read settings from a JSON file (environment variables still win)
  --check-config   validate the settings, print them with secrets masked, exit 0 or 1
  --help           show this help
  --version        print the version

  admin add NAME --role editor|viewer   make a named admin token (printed once)
  admin list                            list the admins (never their tokens)
  admin remove NAME                     remove one; a running storybot stops taking it

Every setting can come from the environment (STORYBOT_*); see config/storybot.example.json.
)";

void PrintSettings() {
  std::cout << "\nsettings (environment variable, JSON key):\n";
  for (const auto& s : storybot::ListSettings(storybot::ChannelSettings())) {
    std::cout << "  " << s.env_name << "  (" << s.json_key << ")  " << s.doc
              << (s.secret ? " [secret]" : "") << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  storybot::ConfigSources sources;
  bool check_only = false;
  std::optional<std::vector<std::string>> admin_args;  // the words after "admin"
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      PrintSettings();
      return 0;
    }
    if (arg == "--version") {
      std::cout << "storybot " << storybot::kVersion << "\n";
      return 0;
    }
    if (admin_args && arg != "--config" && !arg.starts_with("--config=")) {
      admin_args->emplace_back(arg);
    } else if (arg == "admin") {
      admin_args.emplace();
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" || arg.starts_with("--config=")) {
      // "--config" as the last word, "--config --check-config" or "--config=": no path given.
      std::string path;
      if (arg != "--config") {
        path = std::string(arg.substr(9));
      } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
        path = argv[++i];
      }
      if (path.empty()) {
        std::cerr << "storybot: --config needs the path of a JSON file: --config FILE "
                     "(see config/storybot.example.json)\n";
        return 2;
      }
      sources.file_path = std::move(path);
    } else {
      std::cerr << "storybot: unknown argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }
  sources.env = storybot::ProcessEnv();
  sources.env_names = storybot::ProcessEnvNames("STORYBOT_");
  sources.tables = storybot::ChannelSettings();

  std::vector<std::string> warnings;
  auto config = storybot::LoadConfig(sources, &warnings);
  for (const std::string& warning : warnings) std::cerr << "storybot: warning: " << warning << "\n";
  if (!config.ok()) {
    std::cerr << "storybot: invalid configuration: " << config.error().message << "\n";
    return 1;
  }
  if (admin_args)
    return storybot::RunAdminCommand(*admin_args, config.value(), std::cout, std::cerr);
  if (check_only) {
    std::cout << storybot::DescribeConfig(config.value());
    std::cerr << "storybot: configuration is valid\n";
    return 0;
  }

  auto app = storybot::Application::Create(config.value(), warnings);
  if (!app.ok()) {
    std::cerr << "storybot: cannot start: " << app.error().message << "\n";
    return 1;
  }
  app.value()->StopOnSignals();
  const auto& started = app.value()->started();
  const std::string base =
      "http://" + config.value().http.host + ":" + std::to_string(started.port);
  if (!started.admin_token_notice.empty()) std::cout << started.admin_token_notice << "\n";
  if (started.admin_web_dir.empty()) {
    std::cout << "admin panel: not built (see the log; make web builds it)\n";
  } else {
    std::cout << "admin panel: " << base << "/admin/\n";
  }
  std::cout << "storybot listening on " << base << std::endl;  // flushed: tests wait for it
  app.value()->Run();
  return 0;
}
