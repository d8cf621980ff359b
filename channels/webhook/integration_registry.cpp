#include "channels/webhook/integration_registry.h"

#include <algorithm>

#include "channels/webhook/signature.h"
#include "core/clock.h"

namespace storybot::webhook {

Status CheckIntegrationName(std::string_view name) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  if (name.empty() || name.size() > 63 || name.front() == '_' || name.front() == '-' ||
      !std::all_of(name.begin(), name.end(), ok_char)) {
    return InvalidArgument("name: must match [a-z0-9][a-z0-9_-]{0,62}");
  }
  return {};
}

Status IntegrationRegistry::Load() {
  auto all = store_.List();
  if (!all.ok()) return all.error();
  std::lock_guard lock(mutex_);
  cache_.clear();
  for (Integration& i : all.value()) cache_[i.name] = std::move(i);
  return {};
}

std::optional<Integration> IntegrationRegistry::Find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = cache_.find(name);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

std::vector<Integration> IntegrationRegistry::List() const {
  std::lock_guard lock(mutex_);
  std::vector<Integration> out;
  for (const auto& [name, i] : cache_) out.push_back(i);
  return out;
}

Result<Integration> IntegrationRegistry::Create(const std::string& name,
                                                const std::vector<std::string>& allowlist,
                                                std::int64_t now) {
  Status named = CheckIntegrationName(name);
  if (!named.ok()) return named.error();
  auto parsed = ParseAllowlist(allowlist);
  if (!parsed.ok()) return InvalidArgument("callback_allowlist: " + parsed.error().message);
  Integration i;
  i.name = name;
  i.secret = GenerateSecret(32);
  i.callback_allowlist = allowlist;
  i.created_at = FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(now)));
  std::lock_guard write(writes_);
  Status created = store_.Create(i);
  if (!created.ok()) return created.error();
  std::lock_guard lock(mutex_);
  cache_[name] = i;
  return i;
}

Result<Integration> IntegrationRegistry::Rotate(const std::string& name, std::int64_t now) {
  std::lock_guard write(writes_);
  auto rotated = store_.Rotate(
      name, GenerateSecret(32), now + kRotationGraceS,
      FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(now))));
  if (!rotated.ok()) return rotated;
  std::lock_guard lock(mutex_);
  cache_[name] = rotated.value();
  return rotated;
}

Status IntegrationRegistry::Delete(const std::string& name) {
  std::lock_guard write(writes_);
  Status deleted = store_.Delete(name);
  if (!deleted.ok()) return deleted;
  std::lock_guard lock(mutex_);
  cache_.erase(name);
  return {};
}

Result<Integration> IntegrationRegistry::SetAllowlist(const std::string& name,
                                                      const std::vector<std::string>& allowlist) {
  auto parsed = ParseAllowlist(allowlist);
  if (!parsed.ok()) return InvalidArgument("callback_allowlist: " + parsed.error().message);
  std::lock_guard write(writes_);
  auto updated = store_.SetAllowlist(name, allowlist);
  if (!updated.ok()) return updated;
  std::lock_guard lock(mutex_);
  cache_[name] = updated.value();
  return updated;
}

std::vector<std::string> IntegrationRegistry::Keys(const Integration& integration,
                                                   std::int64_t now) {
  std::vector<std::string> keys;
  for (const std::string& secret : integration.ValidSecrets(now)) {
    auto key = SecretKey(secret);
    if (key.ok()) keys.push_back(std::move(key).value());
  }
  return keys;
}

}  // namespace storybot::webhook
