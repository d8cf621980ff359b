#pragma once
// Channel-neutral chat messages and replies: what channels (channels/<name>/) produce and consume.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace storybot {

// The buttons under every story (core/story/story_buttons.h encodes and labels them).
enum class ButtonAction { kNone, kContinue, kNewStory, kLike, kDislike };

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
  // A press on a button under a story instead of typed text (`text` is then empty): which one,
  // and the story it was under (OutboundReply::story_id).
  ButtonAction button = ButtonAction::kNone;
  std::int64_t button_story_id = 0;
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
  // A story (the id of the job that wrote it): the sender puts the story buttons under the last
  // piece, labelled in `language` ("en" or "zh"). 0: a bot text (help, a notice), no buttons.
  std::int64_t story_id = 0;
  std::string language = {};
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
// A live view of one story while it is being written (a Telegram draft, a Slack stream, an SSE
// stream to a webhook caller). Only a preview: the saved reply, sent afterwards by
// ReplySender::Send, is the truth. The job runner calls Update with the whole text so far, cut to
// the last whole sentence and already checked by the local word lists, at most once per
// STORYBOT_STREAM_INTERVAL_MS, then Finish exactly once before the reply is sent (also when the
// story failed or was replaced). Calls come from any thread, one at a time; none may block on the
// network. A failing preview just stops updating: it never affects the reply.
class StoryPreview {
 public:
  virtual ~StoryPreview() = default;
  virtual void Update(std::string_view text_so_far) = 0;
  virtual void Finish() = 0;
};

class ReplySender {
 public:
  virtual ~ReplySender() = default;
  virtual void Send(const OutboundReply& reply, std::function<void(SendResult)> done) = 0;
  // A story for `message` is being written (it may take a while): e.g. Telegram's "typing…".
  // Best effort: must not block, and its failure never affects the reply.
  virtual void StartedWriting(const InboundMessage& message) { (void)message; }
  // A preview for the story about to be written for `message` (job `job_id`), or null when this
  // channel or this chat shows none (e.g. a Telegram group). Only called with streaming on.
  virtual std::unique_ptr<StoryPreview> StartPreview(const InboundMessage& message,
                                                     std::int64_t job_id) {
    (void)message;
    (void)job_id;
    return nullptr;
  }
};

}  // namespace storybot
