#include "core/secrets.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace storybot {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the OS random generator failed");  // cannot continue safely
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

Result<AdminToken> LoadOrCreateAdminToken(const std::string& data_dir,
                                          const std::string& configured) {
  const std::string path = (std::filesystem::path(data_dir) / "admin_token").string();
  if (!configured.empty()) return AdminToken{configured, false, ""};
  {
    std::ifstream in(path);
    std::string token;
    if (in && std::getline(in, token) && !token.empty()) return AdminToken{token, false, path};
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  const std::string token = RandomHex(32);
  // O_EXCL: if two processes race, one wins and the other fails instead of overwriting.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot create the admin token file " + path);
  const std::string line = token + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Unavailable("cannot write the admin token file " + path);
  return AdminToken{token, true, path};
}

}  // namespace storybot
