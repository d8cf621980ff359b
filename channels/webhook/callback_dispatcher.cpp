#include "channels/webhook/callback_dispatcher.h"

#include <random>

#include "channels/webhook/callback_client.h"
#include "channels/webhook/signature.h"

namespace storybot::webhook {

CallbackDispatcher::CallbackDispatcher(IntegrationStore& store, const IntegrationRegistry& registry,
                                       Logger& logger, CallbackOptions options, Clock& clock)
    : store_(store),
      registry_(registry),
      logger_(logger),
      options_(options),
      clock_(clock),
      pool_(options.senders) {}

CallbackDispatcher::~CallbackDispatcher() { Stop(); }

std::chrono::milliseconds CallbackDispatcher::Backoff(const CallbackOptions& options,
                                                      int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 30);
  auto delay = options.first_retry;
  for (int i = 0; i < doublings && delay < options.max_retry; ++i) delay *= 2;
  delay = std::min(delay, options.max_retry);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay.count() * jitter(random)));
}

Status CallbackDispatcher::Start() {
  auto pending = store_.PendingCallbacks();
  if (!pending.ok()) return pending.error();
  const std::int64_t now = clock_.UnixSeconds();
  for (CallbackRecord& r : pending.value()) {
    if (now > r.give_up_at) {
      // The window ended while storybot was down: no attempt after it (docs/webhooks.md).
      r.state = "expired";
      logger_.Log(LogLevel::kError, "webhook callback expired",
                  {{"storybot.integration", std::string_view(r.integration)},
                   {"storybot.outcome", std::string_view(r.state)},
                   {"labels.attempt", static_cast<std::int64_t>(r.attempts)}});
      Persist(std::move(r));
      continue;
    }
    // Stored as wall time; waited for on steady time (a past time is due at once).
    const auto wait = std::chrono::seconds(r.next_attempt_at) - clock_.WallNow().time_since_epoch();
    Schedule(std::move(r), clock_.SteadyNow() + wait);
  }
  thread_ = std::thread([this] { Loop(); });
  return {};
}

void CallbackDispatcher::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  pool_.Stop();
}

void CallbackDispatcher::Enqueue(CallbackRecord record, std::function<void(Status)> done) {
  const std::int64_t now = clock_.UnixSeconds();
  record.state = "pending";
  record.attempts = 0;
  record.next_attempt_at = now;
  record.give_up_at = now + options_.retry_window_s;
  store_.AddCallback(record, [this, record, done = std::move(done)](Status stored) mutable {
    if (stored.ok()) Schedule(std::move(record), clock_.SteadyNow());
    done(std::move(stored));
  });
}

void CallbackDispatcher::Schedule(CallbackRecord record, Clock::SteadyTime due,
                                  int write_failures) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;  // still pending in the outbox: the next start picks it up
    due_.emplace(due, Due{std::move(record), write_failures});
  }
  wake_.notify_one();
}

void CallbackDispatcher::Persist(CallbackRecord record, int failures) {
  CallbackRecord copy = record;
  store_.UpdateCallback(copy, [this, record = std::move(record), failures](Status stored) mutable {
    if (stored.ok()) return;
    const auto delay = std::chrono::seconds(1LL << std::min(failures, 6));
    logger_.Log(LogLevel::kError, "cannot store a webhook callback's state; will retry the write",
                {{"error.message", std::string_view(stored.error().message)},
                 {"storybot.integration", std::string_view(record.integration)},
                 {"storybot.outcome", std::string_view(record.state)},
                 {"labels.write_failures", static_cast<std::int64_t>(failures + 1)}});
    Schedule(std::move(record), clock_.SteadyNow() + delay, failures + 1);
  });
}

void CallbackDispatcher::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = clock_.SteadyNow();
    while (!due_.empty() && due_.begin()->first <= now) {
      Due due = std::move(due_.begin()->second);
      due_.erase(due_.begin());
      if (due.write_failures >= 0) {
        // On the pool: a store may call back at once, and Schedule takes this lock.
        pool_.Post([this, due = std::move(due)]() mutable {
          Persist(std::move(due.record), due.write_failures);
        });
        continue;
      }
      pool_.Post([this, record = std::move(due.record)]() mutable { Attempt(std::move(record)); });
    }
    if (due_.empty()) {
      wake_.wait(lock);
    } else {
      clock_.WaitUntil(wake_, lock, due_.begin()->first);
    }
  }
}

void CallbackDispatcher::Attempt(CallbackRecord record) {
  if (cancel_) return;
  const std::int64_t now = clock_.UnixSeconds();
  std::optional<Integration> integration = registry_.Find(record.integration);
  CallbackResult result;
  if (!integration) {
    result.outcome = CallbackOutcome::kFailed;
    result.error = "integration " + record.integration + " was deleted";
  } else {
    auto allowlist = ParseAllowlist(integration->callback_allowlist);
    CallbackCall call;
    call.url = record.url;
    call.body = record.payload;
    call.allowlist = allowlist.ok() ? std::move(allowlist).value() : std::vector<AllowEntry>{};
    call.connect_timeout_ms = options_.connect_timeout_ms;
    call.timeout_ms = options_.timeout_ms;
    call.cancel = &cancel_;
    // Signed with every valid secret so a receiver mid-rotation accepts it either way.
    call.headers = {{"Content-Type", "application/json"},
                    {"webhook-id", record.message_id},
                    {"webhook-timestamp", std::to_string(now)},
                    {"webhook-signature", SignAll(IntegrationRegistry::Keys(*integration, now),
                                                  record.message_id, now, record.payload)}};
    result = PostCallback(call);
  }
  if (cancel_ && result.outcome == CallbackOutcome::kRetry) return;  // stopping: retry next start
  ++record.attempts;
  record.last_status = result.status;
  record.last_error = result.error;
  switch (result.outcome) {
    case CallbackOutcome::kDelivered:
      record.state = "delivered";
      break;
    case CallbackOutcome::kGone:
      record.state = "disabled";
      break;
    case CallbackOutcome::kFailed:
      record.state = "failed";
      break;
    case CallbackOutcome::kRefused:
      record.state = "refused";
      break;
    case CallbackOutcome::kRetry: {
      auto delay = Backoff(options_, record.attempts);
      delay =
          std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(result.retry_after_s));
      const std::int64_t due_s = std::chrono::duration_cast<std::chrono::seconds>(
                                     (clock_.WallNow() + delay).time_since_epoch())
                                     .count();
      const Clock::SteadyTime due = clock_.SteadyNow() + delay;
      if (due_s > record.give_up_at) {
        record.state = "expired";
        break;
      }
      record.next_attempt_at = due_s;
      logger_.Log(LogLevel::kWarn, "webhook callback not delivered; will retry",
                  {{"error.message", std::string_view(result.error)},
                   {"storybot.integration", std::string_view(record.integration)},
                   {"labels.attempt", static_cast<std::int64_t>(record.attempts)}});
      // Not retried if it fails: the row stays pending with its older schedule, and a late
      // rewrite could overwrite the outcome of the attempt scheduled here.
      store_.UpdateCallback(record, [this, integration = record.integration](Status stored) {
        if (stored.ok()) return;
        logger_.Log(LogLevel::kWarn, "cannot store a webhook callback's next attempt",
                    {{"error.message", std::string_view(stored.error().message)},
                     {"storybot.integration", std::string_view(integration)}});
      });
      Schedule(std::move(record), due);
      return;
    }
  }
  const LogLevel level = record.state == "delivered" ? LogLevel::kInfo : LogLevel::kError;
  logger_.Log(level, "webhook callback " + record.state,
              {{"error.message", std::string_view(record.last_error)},
               {"storybot.integration", std::string_view(record.integration)},
               {"storybot.outcome", std::string_view(record.state)},
               {"labels.attempt", static_cast<std::int64_t>(record.attempts)},
               {"http.response.status_code", static_cast<std::int64_t>(record.last_status)}});
  Persist(std::move(record));
}

}  // namespace storybot::webhook
