#pragma once
// Channel-neutral chat messages and replies: what channels (channels/<name>/) produce and consume.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace storybot {

// One message from a chat user, as every channel's adapter delivers it.
struct InboundMessage {
  std::string channel;  // "telegram", "slack", "webhook"
  std::string chat_id;  // replies go here; per-chat order is kept
  std::string user_id;
  std::string user_name;      // display name; may be empty
  std::string language_hint;  // the client's setting, e.g. Telegram's language_code; may be empty
  // The reader's explicit choice (the webhook's "language"): wins over the text and the hint.
  std::string language;
  std::string text;
  std::string reply_context;  // channel-specific JSON the sender needs (thread_ts, callback_url…)
  std::string trace_id;
  // Integrations (webhooks) may choose the prompt and add template variables.
  std::int64_t prompt_id = 0;  // 0: chosen by the engine
  std::map<std::string, std::string, std::less<>> variables;
};

// A reply ready to go out on a channel.
struct OutboundReply {
  std::string channel;
  std::string chat_id;
  std::string text;
  std::string reply_context;
  std::string trace_id;
  std::string delivery_key;  // the dedupe key of the delivery being answered
  std::string engine = {};   // the engine that wrote the story; empty: not known (a bot text or a
                             // reply written before a restart)
  int pieces_sent = 0;       // pieces of the split text already delivered (durably): send the rest
};

enum class SendOutcome {
  kSent,
  kRetry,      // transient (429, 5xx, network): try again later
  kPermanent,  // will never work (blocked by the user, unknown chat): give up now
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kSent;
  std::string error;      // for logs; never holds tokens
  int retry_after_s = 0;  // when the peer said how long to wait
  int pieces_sent = 0;    // with kRetry: pieces delivered so far, earlier sends included
};

// Sends replies on one channel. Implementations are thread-safe; `done` runs exactly once, on
// any thread. Splitting to the channel's size limit is the sender's job.
class ReplySender {
 public:
  virtual ~ReplySender() = default;
  virtual void Send(const OutboundReply& reply, std::function<void(SendResult)> done) = 0;
  // A story for `message` is being written (it may take a while): e.g. Telegram's "typing…".
  // Best effort: must not block, and its failure never affects the reply.
  virtual void StartedWriting(const InboundMessage& message) { (void)message; }
};

}  // namespace storybot
