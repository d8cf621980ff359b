#pragma once
// Starts the real storybot binary as a child process on 127.0.0.1 with port 0 and a temporary
// data and log dir, waits (bounded) for its "storybot listening on" line, and stops it.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace storybot::test {

// A fresh directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class StorybotProcess {
 public:
  // `env` adds to (or overrides) the defaults: port 0, data and log dirs in `dir`, a fixed admin
  // token (kToken). Pass an empty value to unset a default.
  StorybotProcess(const std::string& dir, std::map<std::string, std::string> env = {},
                  std::vector<std::string> args = {});
  ~StorybotProcess();

  static constexpr const char* kToken = "test-admin-token-0123456789abcdef";

  // Starts and waits up to 30 s for the listening line. False if it exited or never listened.
  bool Start();
  const std::string& base_url() const { return base_url_; }
  const std::string& stdout_text() const { return stdout_; }
  // Sends `signal` and waits up to `timeout_s` for the exit; returns the exit status or -1.
  int Stop(int signal, int timeout_s = 15);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  std::string dir_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stdout_;
  std::string base_url_;
};

// Runs `binary args...` with `env`, collects stdout+stderr, returns the exit status.
int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               std::string& output, int timeout_s = 30);

}  // namespace storybot::test
