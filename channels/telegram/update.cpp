#include "channels/telegram/update.h"

#include "channels/telegram/channel_id.h"

#include <boost/json.hpp>

namespace storybot::telegram {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string StringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Telegram ids are integers (chat ids may need 52 bits); keep them as decimal strings.
std::string IdField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

ParsedUpdate Ignored(std::int64_t id, std::string why) {
  ParsedUpdate u;
  u.update_id = id;
  u.ignored_because = std::move(why);
  return u;
}

}  // namespace

Result<ParsedUpdate> ParseUpdate(std::string_view json, std::string_view bot_username) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 32;
  const boost::json::value root = boost::json::parse(json, ec, {}, options);
  if (ec) return InvalidArgument("the body is not valid JSON: " + ec.message());
  if (!root.is_object()) return InvalidArgument("body: must be a JSON object (a Telegram Update)");
  const auto& update = root.as_object();
  const auto* id = update.if_contains("update_id");
  if (id == nullptr || !id->is_int64()) return InvalidArgument("update_id: must be an integer");
  const std::int64_t update_id = id->as_int64();

  const auto* message_value = update.if_contains("message");
  if (message_value == nullptr || !message_value->is_object()) {
    for (const char* kind : {"edited_message", "channel_post", "edited_channel_post",
                             "callback_query", "inline_query", "my_chat_member", "chat_member"}) {
      if (update.contains(kind)) return Ignored(update_id, kind);
    }
    return Ignored(update_id, "no message");
  }
  const auto& message = message_value->as_object();
  const auto* text_value = message.if_contains("text");
  if (text_value == nullptr || !text_value->is_string()) {
    return Ignored(update_id, "message without text");
  }
  const auto* chat_value = message.if_contains("chat");
  if (chat_value == nullptr || !chat_value->is_object()) return Ignored(update_id, "no chat");
  const auto& chat = chat_value->as_object();
  const std::string chat_type = StringField(chat, "type");
  const bool group = chat_type == "group" || chat_type == "supergroup";
  if (chat_type == "channel") return Ignored(update_id, "channel message");

  std::string text(text_value->as_string());
  const std::string lower_bot = "@" + Lower(bot_username);
  if (group) {
    if (!text.starts_with('/')) {
      // Plain chatter in a group is not for us unless the bot is mentioned by name.
      if (bot_username.empty() || Lower(text).find(lower_bot) == std::string::npos) {
        return Ignored(update_id, "group message not addressed to the bot");
      }
    }
  }
  if (text.starts_with('/')) {
    const std::size_t end = text.find_first_of(" \n\t");
    const std::string command = text.substr(0, end);
    const std::size_t at = command.find('@');
    if (at != std::string::npos && !bot_username.empty() &&
        Lower(command.substr(at)) != lower_bot) {
      return Ignored(update_id, "command for another bot");
    }
  }

  ParsedUpdate parsed;
  parsed.update_id = update_id;
  parsed.handled = true;
  InboundMessage& m = parsed.message;
  m.channel = kChannelId.str();
  m.chat_id = IdField(chat, "id");
  if (m.chat_id.empty()) return InvalidArgument("message.chat.id: must be an integer");
  if (const auto* from = message.if_contains("from"); from != nullptr && from->is_object()) {
    m.user_id = IdField(from->as_object(), "id");
    m.user_name = StringField(from->as_object(), "first_name");
    m.language_hint = StringField(from->as_object(), "language_code");
  }
  m.text = std::move(text);
  if (group) {
    // In groups, answer as a reply to the request so the thread stays readable.
    boost::json::object context;
    if (const std::string message_id = IdField(message, "message_id"); !message_id.empty()) {
      context["reply_to_message_id"] = std::stoll(message_id);
    }
    m.reply_context = boost::json::serialize(context);
  }
  return parsed;
}

}  // namespace storybot::telegram
