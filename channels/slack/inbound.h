#pragma once
// Turning Slack deliveries into channel-neutral messages, and the reply context that tells the
// sender where the answer goes.
//
// Chats: a mention in a channel starts (or continues) a conversation per thread, so chat_id is
// "<channel>/<thread ts>" — each thread keeps its own order and its own story for /continue.
// DMs and slash commands use the channel id alone: one conversation per DM or channel.
#include <string>
#include <string_view>

#include "channels/slack/commands.h"
#include "channels/slack/events.h"
#include "channels/slack/channel_id.h"
#include "core/chat.h"

namespace storybot::slack {


// Where a reply goes: the channel, the thread (empty: top level), and for slash commands the
// response_url to fall back on when the bot is not in the channel.
struct ReplyTarget {
  std::string channel;
  std::string thread_ts;
  std::string response_url;
};

std::string EncodeReplyContext(const ReplyTarget& target);
// Empty fields for what is missing; a context that is not JSON gives an empty target.
ReplyTarget DecodeReplyContext(std::string_view json);

// Dedupe keys: Slack's event_id for events, trigger_id for commands, prefixed so the two can
// never collide.
std::string EventDedupeKey(const SlackEvent& event);
std::string CommandDedupeKey(const SlashCommand& command);

// `event` must be a kMessage.
InboundMessage MessageFromEvent(const SlackEvent& event, std::string trace_id);
InboundMessage MessageFromCommand(const SlashCommand& command, std::string trace_id);

}  // namespace storybot::slack
