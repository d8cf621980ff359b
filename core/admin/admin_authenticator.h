#pragma once
// Turns a bearer token into an admin identity without touching the database on the request path.
//
// Why a snapshot refreshed on the work pool: auth runs on an I/O thread for every admin request,
// which must never wait for SQLite. So it reads an in-memory snapshot of the account hashes, and
// when the snapshot is older than `refresh_after` a request posts one refresh to the work pool
// (never more than one at a time). The refresh first asks the store's change counter (SQLite's
// PRAGMA data_version: one cheap query) and rereads the small accounts table only when another
// connection (the writer, or a `storybot admin` CLI process) has committed since. So an added or
// removed account is seen within about refresh_after plus one request, without a restart, a
// timer thread or a query per request. Time comes from the injected Clock (tests use FakeClock).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/admin/admin_accounts.h"
#include "core/clock.h"

namespace storybot {

class AdminAuthenticator {
 public:
  using Post = std::function<void(std::function<void()>)>;
  struct Options {
    std::chrono::milliseconds refresh_after{250};
    // last_used_at is written at most this often per account (it is a write, via the writer).
    std::chrono::seconds touch_every{60};
  };

  // `store` may be null (only the bootstrap token then). `store`, `clock` and whatever `post`
  // posts to must outlive this object. Loads the accounts once, synchronously.
  AdminAuthenticator(AdminAccountStore* store, std::string_view bootstrap_token, Clock& clock,
                     Post post, Options options);
  AdminAuthenticator(AdminAccountStore* store, std::string_view bootstrap_token, Clock& clock,
                     Post post)
      : AdminAuthenticator(store, bootstrap_token, clock, std::move(post), Options{}) {}

  // The identity for `token`, or nullopt. Never blocks on the database. Thread-safe.
  std::optional<AdminIdentity> Authenticate(std::string_view token);

  // Rereads the accounts if the store changed since the last look. Blocking.
  Status Refresh();

 private:
  struct Entry {
    std::string hash;
    AdminIdentity identity;
  };
  using Snapshot = std::vector<Entry>;

  void MaybeRefresh(Clock::SteadyTime now);
  void MaybeTouch(const std::string& name, Clock::SteadyTime now);

  AdminAccountStore* store_;
  const std::string bootstrap_hash_;
  Clock& clock_;
  Post post_;
  const Options options_;

  std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::optional<std::int64_t> seen_version_;
  Clock::SteadyTime checked_at_;
  bool refreshing_ = false;
  std::map<std::string, Clock::SteadyTime, std::less<>> touched_;
};

}  // namespace storybot
