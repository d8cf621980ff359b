#pragma once
// Replies on Telegram: sendMessage split at 4,096 UTF-16 units (paragraph, sentence, word),
// plain text, paced to at most one message per second per chat and 30 per second overall
// (Telegram's limits). 429 waits retry_after, 5xx backs off, 400/403 (e.g. blocked by the user)
// gives up at once. A failed send reports how many pieces went out, and a retry (told that count
// in OutboundReply::pieces_sent) sends only the rest.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

#include "channels/telegram/bot_api.h"
#include "core/chat.h"
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
  explicit Pacer(const SenderOptions& options) : options_(options) {}
  std::chrono::steady_clock::time_point Reserve(const std::string& chat_id);

 private:
  SenderOptions options_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point next_global_{};
  std::map<std::string, std::chrono::steady_clock::time_point> next_for_chat_;
};

class TelegramSender final : public ReplySender {
 public:
  // `api` and `logger` must outlive the sender.
  TelegramSender(const BotApi& api, Logger& logger, SenderOptions options = {});
  ~TelegramSender() override;

  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override;
  void StartedWriting(const InboundMessage& message) override;
  // Wakes sleeping sends (they report kRetry) and joins the threads.
  void Stop();

 private:
  SendResult SendNow(const OutboundReply& reply);
  // Sleeps until `until` unless stopping; false when stopping.
  bool SleepUntil(std::chrono::steady_clock::time_point until);

  const BotApi& api_;
  Logger& logger_;
  SenderOptions options_;
  Pacer pacer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  WorkPool pool_;
};

}  // namespace storybot::telegram
