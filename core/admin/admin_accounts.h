#pragma once
// Named admin accounts: who may use the admin API and what they may do. A token is shown once
// when the account is made and only its SHA-256 is kept (see HashAdminToken for why that hash).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot {

// viewer: reads; editor: reads and writes.
enum class AdminRole { kViewer, kEditor };

const char* AdminRoleName(AdminRole role);
std::optional<AdminRole> ParseAdminRole(std::string_view name);

// Who made a request: the account's name and role (the bootstrap token is "bootstrap", editor).
struct AdminIdentity {
  std::string name;
  AdminRole role = AdminRole::kViewer;
};

// The bootstrap token (STORYBOT_ADMIN_TOKEN or <data_dir>/admin_token) acts under this name.
inline constexpr std::string_view kBootstrapAdminName = "bootstrap";

struct AdminAccount {
  std::string name;
  AdminRole role = AdminRole::kViewer;
  std::string token_hash;    // lowercase hex SHA-256 of the token
  std::string created_at;    // RFC 3339
  std::string last_used_at;  // RFC 3339; empty: never
};

// 1-64 characters of [a-z0-9_.-], starting with a letter or digit; "bootstrap" is reserved.
Status ValidateAdminName(std::string_view name);

// "sbadm_" + 32 random bytes from the OS CSPRNG as unpadded base64url (43 characters): the
// prefix makes a leaked token recognisable (secret scanners, logs).
std::string NewAdminToken();

// Lowercase hex SHA-256. A fast unsalted hash is right for these tokens, unlike passwords: they
// carry 256 random bits, so there is nothing to guess or precompute, and a stolen table of
// hashes does not yield a token. A slow KDF would only cost time on every request.
std::string HashAdminToken(std::string_view token);

// Where accounts are kept. Implementations are thread-safe.
class AdminAccountStore {
 public:
  virtual ~AdminAccountStore() = default;
  // Conflict when the name is taken.
  virtual Status Add(const AdminAccount& account) = 0;
  // NotFound when there is no such account.
  virtual Status Remove(const std::string& name) = 0;
  virtual Result<std::vector<AdminAccount>> List() = 0;
  // Records a use (best effort, asynchronous).
  virtual void Touch(const std::string& name, const std::string& used_at) = 0;
  // A number that changes whenever the stored accounts may have changed (SQLite's
  // PRAGMA data_version on the read connection): lets a cache skip reloading.
  virtual Result<std::int64_t> ChangeCounter() = 0;
};

}  // namespace storybot
