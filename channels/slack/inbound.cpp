#include "channels/slack/inbound.h"

#include <boost/json.hpp>

namespace storybot::slack {

std::string EncodeReplyContext(const ReplyTarget& target) {
  boost::json::object context{{"channel", target.channel}};
  if (!target.thread_ts.empty()) context["thread_ts"] = target.thread_ts;
  if (!target.response_url.empty()) context["response_url"] = target.response_url;
  return boost::json::serialize(context);
}

ReplyTarget DecodeReplyContext(std::string_view json) {
  ReplyTarget target;
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return target;
  const auto& object = value.as_object();
  auto read = [&object](std::string_view key, std::string& out) {
    if (const auto* v = object.if_contains(key); v != nullptr && v->is_string()) {
      out = std::string(v->as_string());
    }
  };
  read("channel", target.channel);
  read("thread_ts", target.thread_ts);
  read("response_url", target.response_url);
  return target;
}

std::string EventDedupeKey(const SlackEvent& event) { return "event:" + event.event_id; }

std::string CommandDedupeKey(const SlashCommand& command) {
  return "command:" + command.trigger_id;
}

InboundMessage MessageFromEvent(const SlackEvent& event, std::string trace_id) {
  InboundMessage m;
  m.channel = kChannelId.str();
  m.chat_id = event.direct ? event.channel : event.channel + "/" + event.thread_ts;
  m.user_id = event.user;
  // Events carry only the user id; a story about "U024BE7LH" reads badly, so the name stays
  // empty and the storyteller uses its friendly default (no users.info call per message).
  m.text = ChatText(event.text, false);
  m.reply_context = EncodeReplyContext({event.channel, event.thread_ts, ""});
  m.trace_id = std::move(trace_id);
  return m;
}

InboundMessage MessageFromCommand(const SlashCommand& command, std::string trace_id) {
  InboundMessage m;
  m.channel = kChannelId.str();
  m.chat_id = command.channel_id;
  m.user_id = command.user_id;
  m.user_name = command.user_name;
  m.text = ChatText(command.text, true);
  m.reply_context = EncodeReplyContext({command.channel_id, "", command.response_url});
  m.trace_id = std::move(trace_id);
  return m;
}

}  // namespace storybot::slack
