#include "core/storage/file_modes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace storybot {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

// Checks one path (lstat: a symlink is not ours to judge) and tightens it when it is ours.
void Check(const std::string& path, std::vector<LooseMode>& out) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;  // gone meanwhile
  const bool is_dir = S_ISDIR(st.st_mode);
  if (!is_dir && !S_ISREG(st.st_mode)) return;
  const mode_t bits = st.st_mode & 07777;
  if ((bits & 077) == 0) return;
  LooseMode loose{path, bits, is_dir ? kPrivateDirMode : kPrivateFileMode, false, ""};
  if (st.st_uid != ::geteuid()) {
    loose.error = "owned by another user";
  } else if (::chmod(path.c_str(), bits & ~static_cast<mode_t>(077)) != 0) {
    loose.error = ErrnoText();
  } else {
    loose.fixed = true;
  }
  out.push_back(std::move(loose));
}

}  // namespace

Status CreatePrivateDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  std::filesystem::path leaf = std::filesystem::path(dir).lexically_normal();
  if (!leaf.has_filename()) leaf = leaf.parent_path();  // "data/"
  const std::filesystem::path parent = leaf.parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (::mkdir(leaf.c_str(), kPrivateDirMode) != 0 && errno != EEXIST) {
    return Unavailable("cannot create the directory " + dir + ": " + ErrnoText());
  }
  return {};
}

Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  if (errno == EEXIST) return {};
  return Unavailable("cannot create " + path + ": " + ErrnoText());
}

std::vector<LooseMode> TightenPrivateDir(const std::string& dir) {
  std::vector<LooseMode> out;
  Check(dir, out);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    Check(entry.path().string(), out);
  }
  return out;
}

std::string FormatMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace storybot
