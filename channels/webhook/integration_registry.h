#pragma once
// The integrations as the webhook channel uses them: read on every inbound request (from memory,
// so the I/O thread never waits for SQLite), written through the store by the admin API.
// One storybot process owns its integrations; several instances behind one database would need
// a shared cache invalidation (noted for the PostgreSQL plan). Thread-safe.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "channels/webhook/ssrf.h"
#include "core/clock.h"
#include "core/integrations.h"

namespace storybot::webhook {

inline constexpr std::int64_t kRotationGraceS = 24 * 60 * 60;

// "[a-z0-9][a-z0-9_-]{0,62}": safe in URL paths, logs and metric labels.
Status CheckIntegrationName(std::string_view name);

class IntegrationRegistry {
 public:
  // `store` and `clock` must outlive the registry. The clock says which secrets are valid now
  // (a rotated-out secret for kRotationGraceS after the rotation).
  explicit IntegrationRegistry(IntegrationStore& store, const Clock& clock = Clock::Real())
      : store_(store), clock_(clock) {}

  Status Load();  // blocking: at start

  std::optional<Integration> Find(const std::string& name) const;
  std::vector<Integration> List() const;  // ordered by name

  // Blocking (SQLite): call on a worker thread. The returned integration holds the new secret.
  Result<Integration> Create(const std::string& name, const std::vector<std::string>& allowlist,
                             std::int64_t now);
  Result<Integration> Rotate(const std::string& name, std::int64_t now);
  Status Delete(const std::string& name);
  // Replaces the callback allowlist (validated like Create's); the secrets stay.
  Result<Integration> SetAllowlist(const std::string& name,
                                   const std::vector<std::string>& allowlist);

  // The HMAC keys of the secrets valid at `now` (current first).
  static std::vector<std::string> Keys(const Integration& integration, std::int64_t now);
  // The same at Now().
  std::vector<std::string> ValidKeys(const Integration& integration) const {
    return Keys(integration, Now());
  }
  // Unix seconds on the registry's clock: the `now` to pass to Create and Rotate.
  std::int64_t Now() const { return clock_.UnixSeconds(); }

 private:
  IntegrationStore& store_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Integration> cache_;
  std::mutex writes_;  // one admin write at a time keeps the cache in the store's order
};

}  // namespace storybot::webhook
