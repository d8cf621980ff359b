#pragma once
// Secrets at rest (every integration's whsec_ secret in storybot.db, the admin token) are for
// storybot's own user only: the data directory is 0700 and every file in it 0600, whatever the
// umask. SQLite gives a database's -wal and -shm files the mode of the database file itself.
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.h"

namespace storybot {

inline constexpr mode_t kPrivateDirMode = 0700;
inline constexpr mode_t kPrivateFileMode = 0600;

// Creates `dir` when missing (parents as the umask says, `dir` itself 0700).
Status CreatePrivateDir(const std::string& dir);

// Creates `path` empty with mode 0600 when it does not exist yet; an existing file is left alone.
Status CreatePrivateFile(const std::string& path);

// A path in the data directory that group or others may use.
struct LooseMode {
  std::string path;
  mode_t found = 0;   // permission bits as found
  mode_t wanted = 0;  // kPrivateDirMode or kPrivateFileMode
  bool fixed = false;
  std::string error;  // why it was not fixed (not ours, chmod failed)
};

// Checks `dir` and every entry directly in it (symlinks are skipped, never followed) and
// tightens what is looser than private, when this process's user owns it.
std::vector<LooseMode> TightenPrivateDir(const std::string& dir);

// "0644"
std::string FormatMode(mode_t mode);

}  // namespace storybot
