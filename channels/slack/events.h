#pragma once
// Events API payloads (POST /slack/events) as the bot cares about them: the url_verification
// handshake, mentions of the bot in channels and direct messages to it. Everything else
// (edits, deletions, bot messages, our own messages, other event types) is recognised and
// ignored, so Slack gets its 200 and does not retry.
#include <string>
#include <string_view>

#include "core/result.h"

namespace storybot::slack {

struct SlackEvent {
  enum class Kind { kUrlVerification, kMessage, kIgnored };
  Kind kind = Kind::kIgnored;
  std::string challenge;       // kUrlVerification
  std::string event_id;        // kMessage: Slack's id, the same on every retry
  std::string channel;         // kMessage: C…, G… or D…
  std::string user;            // kMessage: U…/W…
  std::string text;            // kMessage: the mention stripped, &amp; &lt; &gt; decoded
  std::string thread_ts;       // kMessage: the thread to answer in; empty for a top-level DM
  bool direct = false;         // kMessage: a DM (channel_type "im") rather than a mention
  std::string ignored_reason;  // kIgnored, for debug logs
};

// Parses the raw JSON body. `own_user_id` (from auth.test; may be empty) marks the bot's own
// messages. InvalidArgument for malformed JSON, a non-object, or a url_verification or
// event_callback without its required fields (challenge; event_id and event). Unknown fields
// are fine: Slack adds fields over time.
Result<SlackEvent> ParseEvent(std::string_view body, std::string_view own_user_id);

// "<@UBOT> tell me <@U2|ann> a story" → "tell me <@U2|ann> a story": removes every mention of
// `own_user_id` and a leading mention of anyone (when our id is not known yet), then trims.
std::string StripMention(std::string_view text, std::string_view own_user_id);

}  // namespace storybot::slack
