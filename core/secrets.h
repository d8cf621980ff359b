#pragma once
// Secret handling: constant-time comparison, random tokens, the admin token file.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace storybot {

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `bytes` random bytes from the OS CSPRNG, as lowercase hex.
std::string RandomHex(std::size_t bytes);

struct AdminToken {
  std::string value;
  bool generated_now = false;  // true only on the start that created it
  std::string path;            // where a generated token is kept
};

// The configured token if set; else the one kept in <data_dir>/admin_token; else a new one,
// written there with mode 0600.
Result<AdminToken> LoadOrCreateAdminToken(const std::string& data_dir,
                                          const std::string& configured);

}  // namespace storybot
