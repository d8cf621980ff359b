#pragma once
// Long polling (getUpdates) for deployments without a public HTTPS URL.
//
// offset = last update_id + 1, sent only after the whole batch is durably enqueued, so a crash
// never loses an update (Telegram re-delivers everything from the last confirmed offset).
// 401/404 (bad token) and 409 (a webhook is set, or another poller runs) stop the loop with a
// clear log line; 429 sleeps retry_after; 5xx and network errors back off up to 60 s; a server
// that answers at once with nothing cannot make the loop spin (at least 1 s between empty polls).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/telegram/bot_api.h"
#include "adapters/telegram/update.h"
#include "core/logging.h"

namespace storybot::telegram {

struct PollerOptions {
  int timeout_s = 30;  // long-poll timeout sent to Telegram
  std::chrono::milliseconds min_empty_interval{1000};
  std::chrono::seconds max_backoff{60};
  std::string bot_username;  // for group command filtering; may be empty
};

class Poller {
 public:
  // Stores one batch durably; calls `done(true)` once every update in it is committed (or was a
  // duplicate), `done(false)` on a storage error (the batch is fetched again).
  using Deliver = std::function<bool(const std::vector<ParsedUpdate>& batch)>;
  Poller(const BotApi& api, Logger& logger, Deliver deliver, PollerOptions options = {});
  ~Poller();

  void Start();
  void Stop();
  bool running() const { return running_.load(); }

 private:
  void Loop();
  bool Wait(std::chrono::milliseconds duration);  // false when stopping

  const BotApi& api_;
  Logger& logger_;
  Deliver deliver_;
  PollerOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace storybot::telegram
