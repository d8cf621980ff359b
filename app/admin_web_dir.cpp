#include "app/admin_web_dir.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace storybot {
namespace fs = std::filesystem;

AdminWebDir ResolveAdminWebDir(const std::string& configured, const std::string& working_dir,
                               const std::string& binary_path) {
  AdminWebDir out;
  const fs::path dir(configured);
  std::vector<fs::path> candidates;
  if (dir.is_absolute()) {
    candidates.push_back(dir);
  } else {
    candidates.push_back(fs::path(working_dir) / dir);
    if (!binary_path.empty()) {
      candidates.push_back(fs::path(binary_path).parent_path().parent_path() / dir);
    }
  }
  for (const fs::path& candidate : candidates) {
    const std::string text = candidate.lexically_normal().string();
    if (std::find(out.tried.begin(), out.tried.end(), text) != out.tried.end()) continue;
    out.tried.push_back(text);
    std::error_code ec;
    if (out.path.empty() && fs::is_regular_file(candidate / "index.html", ec)) out.path = text;
  }
  return out;
}

std::string CurrentBinaryPath() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

}  // namespace storybot
