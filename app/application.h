#pragma once
// The composition root: config → logger → database → stores → services → router → server.
// A library (not only main.cpp) so that tests can start the whole service in-process.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace storybot {

class Application {
 public:
  struct Started {
    std::uint16_t port = 0;
    std::string admin_token_notice;  // what to print about the admin token, once, at start
    std::string admin_web_dir;       // where /admin/ is served from; empty: the panel is not built
  };

  // Opens everything and binds the listening socket; nothing is served until Run().
  // `config_warnings` (from LoadConfig) go to the log as warnings once it is open.
  static Result<std::unique_ptr<Application>> Create(
      const Config& config, const std::vector<std::string>& config_warnings = {});
  ~Application();

  const Started& started() const;
  // SIGINT/SIGTERM start the graceful shutdown from now on.
  void StopOnSignals();
  // Serves until Shutdown() or a signal; returns after the drain.
  void Run();
  void Shutdown();

 private:
  struct Parts;
  static Status StartSafety(const Config& config, Parts& parts);
  explicit Application(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace storybot
