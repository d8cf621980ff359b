#pragma once
// Long polling (getUpdates) for deployments without a public HTTPS URL.
//
// offset = last update_id + 1, sent only after the whole batch is durably enqueued, so a crash
// never loses an update (Telegram re-delivers everything from the last confirmed offset).
// 401/404 (bad token) stop the loop with a clear log line. A 409 because a webhook is set removes
// the webhook (deleteWebhook, logged: polling was asked for) and polls again; a 409 from another
// poller on the same token backs off like a 5xx and retries, since the other one may go away.
// 429 sleeps retry_after; 5xx and network errors back off up to 60 s; a server that answers at
// once with nothing cannot make the loop spin (at least 1 s between empty polls).
// problem() says why polling cannot work right now (for /readyz); empty while it works.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "channels/telegram/bot_api.h"
#include "channels/telegram/update.h"
#include "core/clock.h"
#include "core/logging.h"

namespace storybot::telegram {

struct PollerOptions {
  int timeout_s = 30;  // long-poll timeout sent to Telegram
  std::chrono::milliseconds min_empty_interval{1000};
  std::chrono::seconds max_backoff{60};
  std::string bot_username;  // for group command filtering; may be empty
  // Times the waits between polls (backoff, retry_after, the empty-poll interval); Stop() cuts
  // a wait short. null: Clock::Real(). Tests pass a FakeClock (tests/support/fake_clock.h).
  Clock* clock = nullptr;
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
  std::string problem() const;

 private:
  void Loop();
  void SetProblem(std::string problem);
  // Handles a 409; returns how long to wait before the next poll.
  std::chrono::milliseconds OnConflict(const ApiResult& r, std::chrono::milliseconds& backoff);
  std::chrono::milliseconds NextBackoff(std::chrono::milliseconds& backoff) const;
  bool Wait(std::chrono::milliseconds duration);  // false when stopping

  const BotApi& api_;
  Logger& logger_;
  Deliver deliver_;
  PollerOptions options_;
  Clock& clock_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string problem_;
  bool webhook_just_deleted_ = false;
  std::thread thread_;
};

}  // namespace storybot::telegram
