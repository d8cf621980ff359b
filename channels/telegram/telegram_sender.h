#pragma once
// Replies on Telegram: sendMessage split at 4,096 UTF-16 units (paragraph, sentence, word),
// plain text, paced to at most one message per second per chat and 30 per second overall
// (Telegram's limits). 429 waits retry_after, 5xx backs off, 400/403 (e.g. blocked by the user)
// gives up at once. A failed send reports how many pieces went out, and a retry (told that count
// in OutboundReply::pieces_sent) sends only the rest. Pacing and retry waits run on a Clock
// (core/clock.h), so tests check them on a fake clock.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

#include "channels/telegram/bot_api.h"
#include "core/chat.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/work_pool.h"

namespace storybot::telegram {

struct SenderOptions {
  std::chrono::milliseconds per_chat_interval{1000};
  int messages_per_second = 30;
  int attempts_per_send = 3;  // inside one Send(); the job runner retries whole sends later
  std::size_t threads = 8;
  bool markdown_v2 = false;  // send with parse_mode MarkdownV2, the text escaped
};

// Hands out send times that respect the per-chat and global rates. Thread-safe.
class Pacer {
 public:
  explicit Pacer(const SenderOptions& options, Clock& clock = Clock::Real())
      : options_(options), clock_(clock) {}
  // The time at which the next message to `chat_id` may go (now or later), reserved.
  Clock::SteadyTime Reserve(const std::string& chat_id);

 private:
  SenderOptions options_;
  Clock& clock_;
  std::mutex mutex_;
  Clock::SteadyTime next_global_{};
  std::map<std::string, Clock::SteadyTime> next_for_chat_;
};

class TelegramSender final : public ReplySender {
 public:
  // `api`, `logger` and `clock` must outlive the sender.
  TelegramSender(const BotApi& api, Logger& logger, SenderOptions options = {},
                 Clock& clock = Clock::Real());
  ~TelegramSender() override;

  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override;
  void StartedWriting(const InboundMessage& message) override;
  // Wakes sleeping sends (they report kRetry) and joins the threads.
  void Stop();

 private:
  SendResult SendNow(const OutboundReply& reply);
  // Sleeps until `until` unless stopping; false when stopping.
  bool SleepUntil(Clock::SteadyTime until);

  const BotApi& api_;
  Logger& logger_;
  SenderOptions options_;
  Clock& clock_;
  Pacer pacer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  WorkPool pool_;
};

}  // namespace storybot::telegram
