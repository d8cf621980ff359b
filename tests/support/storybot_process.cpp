#include "tests/support/storybot_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/wait_for.h"

extern char** environ;

namespace storybot::test {
namespace {

// The child's environment: ours without STORYBOT_* variables, plus `extra` (empty = unset).
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("STORYBOT_")) continue;
    env.emplace_back(*e);
  }
  for (const auto& [name, value] : extra) {
    if (!value.empty()) env.push_back(name + "=" + value);
  }
  return env;
}

// fork + exec with stdout and stderr on one pipe; returns the pid and the read end. The child of a
// multi-threaded test (fake servers run threads) may only call async-signal-safe functions until
// execve: another thread may have held the allocator's lock at fork, so a child that allocates can
// hang for ever. Every array is therefore built before fork().
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            int& out_fd) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd = fds[0];
  return pid;
}

// Reads what is available within `timeout_ms`; false at end of file.
bool ReadSome(int fd, std::string& out, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return true;
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return false;
  out.append(buf, static_cast<std::size_t>(n));
  return true;
}

}  // namespace

TempDir::TempDir() {
  char pattern[] = "/tmp/storybot-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

StorybotProcess::StorybotProcess(const std::string& dir, std::map<std::string, std::string> env,
                                 std::vector<std::string> args)
    : dir_(dir), args_(std::move(args)) {
  env_ = {{"STORYBOT_HTTP_PORT", "0"},          {"STORYBOT_HTTP_HOST", "127.0.0.1"},
          {"STORYBOT_DATA_DIR", dir + "/data"}, {"STORYBOT_LOG_DIR", dir + "/logs"},
          {"STORYBOT_ADMIN_TOKEN", kToken},     {"STORYBOT_HTTP_THREADS", "2"}};
  for (auto& [name, value] : env) env_[name] = value;
}

StorybotProcess::~StorybotProcess() {
  if (pid_ > 0) Stop(SIGKILL, 5);
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

bool StorybotProcess::Start() {
  std::vector<std::string> argv = {STORYBOT_BINARY};
  argv.insert(argv.end(), args_.begin(), args_.end());
  stdout_.clear();
  pid_ = Spawn(argv, ChildEnvironment(env_), stdout_fd_);
  constexpr std::string_view kListening = "storybot listening on ";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::size_t at = stdout_.find(kListening);
    const std::size_t end = at == std::string::npos ? at : stdout_.find('\n', at);
    if (end != std::string::npos) {
      base_url_ = stdout_.substr(at + kListening.size(), end - at - kListening.size());
      // Keep draining output in the background so the child never blocks on a full pipe.
      std::thread([fd = dup(stdout_fd_)] {
        char buf[4096];
        while (read(fd, buf, sizeof buf) > 0) {
        }
        close(fd);
      }).detach();
      return true;
    }
    if (!ReadSome(stdout_fd_, stdout_, 100)) break;
  }
  Stop(SIGKILL, 5);
  return false;
}

int StorybotProcess::Stop(int signal, int timeout_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  const bool exited = WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; },
                              std::chrono::seconds(timeout_s), std::chrono::milliseconds(20));
  if (exited) {
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               std::string& output, int timeout_s) {
  int fd = -1;
  const pid_t pid = Spawn(argv, ChildEnvironment(env), fd);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline && ReadSome(fd, output, 100)) {
  }
  close(fd);
  int status = 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (!WaitFor([&] { return waitpid(pid, &status, WNOHANG) != 0; },
               std::max(left, std::chrono::milliseconds(0)))) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace storybot::test
