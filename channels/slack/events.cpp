#include "channels/slack/events.h"

#include <boost/json.hpp>

#include "channels/slack/text.h"

namespace storybot::slack {
namespace {

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// The string member `key`, or empty when absent or not a string.
std::string_view StringField(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return value->as_string();
}

SlackEvent Ignored(std::string reason) {
  SlackEvent event;
  event.kind = SlackEvent::Kind::kIgnored;
  event.ignored_reason = std::move(reason);
  return event;
}

// True when the event's authorizations say `user` is the installing bot itself (a fallback
// for the time before auth.test has answered).
bool IsAuthorizedBot(const boost::json::object& payload, std::string_view user) {
  const auto* list = payload.if_contains("authorizations");
  if (list == nullptr || !list->is_array()) return false;
  for (const auto& entry : list->as_array()) {
    if (!entry.is_object()) continue;
    const auto& a = entry.as_object();
    const auto* is_bot = a.if_contains("is_bot");
    if (StringField(a, "user_id") == user && is_bot != nullptr && is_bot->is_bool() &&
        is_bot->as_bool()) {
      return true;
    }
  }
  return false;
}

Result<SlackEvent> ParseCallback(const boost::json::object& payload, std::string_view own_user_id) {
  const std::string_view event_id = StringField(payload, "event_id");
  const auto* inner = payload.if_contains("event");
  if (event_id.empty()) return InvalidArgument("event_id: is required");
  if (inner == nullptr || !inner->is_object()) return InvalidArgument("event: must be an object");
  const auto& e = inner->as_object();
  const std::string_view type = StringField(e, "type");
  const bool mention = type == "app_mention";
  const bool direct = type == "message" && StringField(e, "channel_type") == "im";
  if (!mention && !direct) return Ignored("event type " + std::string(type));
  if (e.contains("subtype")) return Ignored("subtype " + std::string(StringField(e, "subtype")));
  if (e.contains("bot_id") || e.contains("bot_profile")) return Ignored("bot message");
  const std::string_view user = StringField(e, "user");
  const std::string_view channel = StringField(e, "channel");
  if (user.empty() || channel.empty()) return Ignored("no user or channel");
  if ((!own_user_id.empty() && user == own_user_id) || IsAuthorizedBot(payload, user)) {
    return Ignored("our own message");
  }
  SlackEvent event;
  event.kind = SlackEvent::Kind::kMessage;
  event.event_id = std::string(event_id);
  event.channel = std::string(channel);
  event.user = std::string(user);
  event.direct = direct;
  event.text = UnescapeMrkdwn(StripMention(StringField(e, "text"), own_user_id));
  // A mention is answered in its thread: the thread it was written in, or a new one under it.
  // A DM is answered in the open unless it was written in a thread.
  const std::string_view thread_ts = StringField(e, "thread_ts");
  event.thread_ts = std::string(!thread_ts.empty() || direct ? thread_ts : StringField(e, "ts"));
  return event;
}

}  // namespace

std::string StripMention(std::string_view text, std::string_view own_user_id) {
  std::string out;
  std::string_view rest = Trim(text);
  // Before auth.test has answered, a leading mention is taken to address the bot (app_mention
  // only reaches us when we are mentioned).
  if (own_user_id.empty() && rest.starts_with("<@")) {
    const auto close = rest.find('>');
    if (close != std::string_view::npos) rest = Trim(rest.substr(close + 1));
  }
  while (!rest.empty()) {
    const auto at = rest.find("<@");
    if (at == std::string_view::npos) {
      out += rest;
      break;
    }
    out += rest.substr(0, at);
    const auto close = rest.find('>', at);
    if (close == std::string_view::npos) {
      out += rest.substr(at);
      break;
    }
    const std::string_view id = rest.substr(at + 2, close - at - 2);
    if (own_user_id.empty() || id.substr(0, id.find('|')) != own_user_id) {
      out += rest.substr(at, close - at + 1);  // someone else: keep
    }
    rest = rest.substr(close + 1);
  }
  // Collapse the double space a removed mention leaves in the middle.
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return std::string(Trim(collapsed));
}

Result<SlackEvent> ParseEvent(std::string_view body, std::string_view own_user_id) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return InvalidArgument("body: must be a JSON object");
  const auto& payload = value.as_object();
  const std::string_view type = StringField(payload, "type");
  if (type == "url_verification") {
    const std::string_view challenge = StringField(payload, "challenge");
    if (challenge.empty()) return InvalidArgument("challenge: is required");
    SlackEvent event;
    event.kind = SlackEvent::Kind::kUrlVerification;
    event.challenge = std::string(challenge);
    return event;
  }
  if (type == "event_callback") return ParseCallback(payload, own_user_id);
  return Ignored("payload type " + std::string(type));
}

}  // namespace storybot::slack
