#include "core/admin/admin_authenticator.h"

#include "core/secrets.h"

namespace storybot {

AdminAuthenticator::AdminAuthenticator(AdminAccountStore* store, std::string_view bootstrap_token,
                                       Clock& clock, Post post, Options options)
    : store_(store),
      bootstrap_hash_(bootstrap_token.empty() ? "" : HashAdminToken(bootstrap_token)),
      clock_(clock),
      post_(std::move(post)),
      options_(options),
      snapshot_(std::make_shared<const Snapshot>()),
      checked_at_(clock.SteadyNow()) {
  (void)Refresh();  // a failure leaves the bootstrap token only; the next refresh retries
}

std::optional<AdminIdentity> AdminAuthenticator::Authenticate(std::string_view token) {
  if (token.empty()) return std::nullopt;
  // Hashes are compared, in constant time each: the comparison's timing can tell at most how
  // much of a SHA-256 matched, which says nothing about any token.
  const std::string hash = HashAdminToken(token);
  const Clock::SteadyTime now = clock_.SteadyNow();
  std::shared_ptr<const Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = snapshot_;
  }
  MaybeRefresh(now);
  std::optional<AdminIdentity> found;
  if (!bootstrap_hash_.empty() && ConstantTimeEquals(hash, bootstrap_hash_)) {
    found = AdminIdentity{std::string(kBootstrapAdminName), AdminRole::kEditor};
  }
  for (const Entry& entry : *snapshot) {
    if (ConstantTimeEquals(hash, entry.hash) && !found) found = entry.identity;
  }
  if (found && found->name != kBootstrapAdminName) MaybeTouch(found->name, now);
  return found;
}

Status AdminAuthenticator::Refresh() {
  if (store_ == nullptr) return {};
  auto version = store_->ChangeCounter();
  if (!version.ok()) return version.error();
  {
    std::lock_guard lock(mutex_);
    if (seen_version_ == version.value()) return {};
  }
  auto accounts = store_->List();
  if (!accounts.ok()) return accounts.error();
  auto fresh = std::make_shared<Snapshot>();
  for (const AdminAccount& a : accounts.value()) {
    fresh->push_back({a.token_hash, AdminIdentity{a.name, a.role}});
  }
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(fresh);
  seen_version_ = version.value();
  return {};
}

void AdminAuthenticator::MaybeRefresh(Clock::SteadyTime now) {
  {
    std::lock_guard lock(mutex_);
    if (store_ == nullptr || refreshing_ || now - checked_at_ < options_.refresh_after) return;
    refreshing_ = true;
    checked_at_ = now;
  }
  post_([this] {
    (void)Refresh();  // on failure the old snapshot stays; the next request retries
    std::lock_guard lock(mutex_);
    refreshing_ = false;
  });
}

void AdminAuthenticator::MaybeTouch(const std::string& name, Clock::SteadyTime now) {
  {
    std::lock_guard lock(mutex_);
    auto it = touched_.find(name);
    if (it != touched_.end() && now - it->second < options_.touch_every) return;
    touched_[name] = now;
  }
  store_->Touch(name, FormatRfc3339(clock_.WallNow()));
}

}  // namespace storybot
