#pragma once
// Sends story replies to Discord through the interaction's webhook: the first piece edits the
// deferred response ("storybot is thinking…"), the rest are follow-ups; pieces of at most 2,000
// characters, split at paragraph, sentence or word boundaries (core/text_split.h).
//
// Rules: a 429 waits its retry_after (and spent buckets their Reset-After, rate_limits.h) inside
// the send when that is short, else the job runner retries later; 5xx and network errors back off
// and retry; 401/403/404 and other 4xx give up at once. The interaction token lives 15 minutes: a
// piece that cannot go out before then is given up (kPermanent, "interaction token expired"), so
// the job is failed with that reason instead of retried forever. A failed send reports how many
// pieces went out, and a retry (told that count in OutboundReply::pieces_sent) sends only the
// rest. Waits and the expiry run on a Clock (core/clock.h), so tests check them on a fake clock.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "channels/discord/rate_limits.h"
#include "channels/discord/rest_api.h"
#include "core/chat.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/work_pool.h"

namespace storybot::discord {

// Discord's limit on a message's content.
inline constexpr std::size_t kMaxMessageCharacters = 2000;

struct SenderOptions {
  int attempts_per_piece = 3;  // inside one Send(); the job runner retries whole sends later
  std::chrono::milliseconds first_backoff{500};  // after a 5xx, doubling
  // A longer wait (a 429's retry_after) is not held on a worker: the job runner retries later.
  std::chrono::milliseconds max_wait{60000};
  std::size_t threads = 4;
};

class DiscordSender final : public ReplySender {
 public:
  // `api`, `logger` and `clock` must outlive the sender.
  DiscordSender(DiscordApi& api, Logger& logger, SenderOptions options = {},
                Clock& clock = Clock::Real());
  ~DiscordSender() override;

  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override;
  // Wakes waiting sends (they report kRetry) and joins the threads.
  void Stop();

  // The blocking send itself (public for tests).
  SendResult SendNow(const OutboundReply& reply);

 private:
  // Sleeps until `until` unless stopping; false when stopping.
  bool SleepUntil(Clock::SteadyTime until);

  DiscordApi& api_;
  Logger& logger_;
  SenderOptions options_;
  Clock& clock_;
  RateLimits limits_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  WorkPool pool_;          // last: its threads stop before the members they use go away
};

}  // namespace storybot::discord
