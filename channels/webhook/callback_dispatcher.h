#pragma once
// Delivers the signed callbacks of answered webhook jobs from a durable outbox.
//
// Why not the job runner's retries: a callback may need retrying for ~24 h, while the runner
// keeps a chat busy (and a worker slot taken) while its job retries, and dead-letters after five
// attempts within minutes. So the job ends when its callback is committed to the outbox, and this
// dispatcher owns the long tail: exponential backoff with jitter (first retry after
// `first_retry`, capped at `max_retry`) until `retry_window_s` has passed since the first
// attempt; 410 ends it as "disabled", other 3xx/4xx as "failed", SSRF refusals as "refused".
// Outbox rows survive restarts (Start() reloads the pending ones, and expires those whose window
// ended while storybot was down). Times come from `clock` (core/clock.h): the outbox stores wall
// time (unix seconds), the schedule waits on steady time, so tests move both with a FakeClock.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "channels/webhook/integration_registry.h"
#include "core/clock.h"
#include "core/integrations.h"
#include "core/logging.h"
#include "core/work_pool.h"

namespace storybot::webhook {

struct CallbackOptions {
  std::int64_t retry_window_s = 24 * 60 * 60;
  std::chrono::milliseconds first_retry{2000};
  std::chrono::milliseconds max_retry{std::chrono::hours(1)};
  long connect_timeout_ms = 5000;
  long timeout_ms = 15000;
  std::size_t senders = 4;  // callbacks in flight at once (blocking calls)
};

class CallbackDispatcher {
 public:
  CallbackDispatcher(IntegrationStore& store, const IntegrationRegistry& registry, Logger& logger,
                     CallbackOptions options, Clock& clock = Clock::Real());
  ~CallbackDispatcher();

  Status Start();  // reloads pending callbacks; starts the timer thread
  void Stop();     // cancels calls in flight; pending rows stay for the next start

  // Stores `record` (state pending, first attempt now), then schedules it; `done` after the
  // commit, on the writer thread.
  void Enqueue(CallbackRecord record, std::function<void(Status)> done);

  // The retry delay after `attempts` failed attempts (1-based), with ±20 % jitter.
  static std::chrono::milliseconds Backoff(const CallbackOptions& options, int attempts);

 private:
  // What is due: an attempt, or only the write of a record whose state could not be stored.
  struct Due {
    CallbackRecord record;
    int write_failures = -1;  // >= 0: a write to retry, after that many failures
  };
  void Schedule(CallbackRecord record, Clock::SteadyTime due, int write_failures = -1);
  void Loop();
  void Attempt(CallbackRecord record);
  // Stores `record`'s state. A write that fails is logged and retried with backoff (up to a
  // minute apart) until it succeeds: an outcome is never dropped, since a delivered callback
  // left pending would be sent again at the next start, and a storage error is no reason for
  // another attempt.
  void Persist(CallbackRecord record, int failures = 0);

  IntegrationStore& store_;
  const IntegrationRegistry& registry_;
  Logger& logger_;
  CallbackOptions options_;
  Clock& clock_;
  WorkPool pool_;
  std::atomic<bool> cancel_{false};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<Clock::SteadyTime, Due> due_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace storybot::webhook
