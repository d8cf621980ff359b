#pragma once
// Where the built admin panel is. A relative admin_web_dir (the default is admin-web/dist) is
// looked up in the working directory first, then in the binary's install root (the parent of the
// binary's folder: build/storybot -> the repo, /opt/storybot/current/bin/storybot ->
// /opt/storybot/current), so `./storybot` started from anywhere still finds its panel.
#include <string>
#include <vector>

namespace storybot {

struct AdminWebDir {
  std::string path;                // absolute; empty when no candidate holds index.html
  std::vector<std::string> tried;  // every candidate looked at, in order (absolute)
};

// `working_dir` and `binary_path` are absolute; `binary_path` may be empty (unknown).
AdminWebDir ResolveAdminWebDir(const std::string& configured, const std::string& working_dir,
                               const std::string& binary_path);

// The running binary's absolute path (/proc/self/exe), or empty.
std::string CurrentBinaryPath();

}  // namespace storybot
