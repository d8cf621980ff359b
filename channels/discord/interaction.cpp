#include "channels/discord/interaction.h"

#include <boost/json.hpp>

#include "channels/discord/channel_id.h"
#include "channels/discord/commands.h"
#include "channels/discord/reply_context.h"

namespace storybot::discord {
namespace {

using boost::json::object;

// The string at `key`, or empty when absent or of another type. Snowflakes are strings.
std::string Text(const object* o, std::string_view key) {
  if (o == nullptr) return {};
  const auto* v = o->if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

const object* Object(const object* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  const auto* v = o->if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

// The "theme" string option of /story; other options are ignored.
std::string ThemeOption(const object* data) {
  if (data == nullptr) return {};
  const auto* options = data->if_contains("options");
  if (options == nullptr || !options->is_array()) return {};
  for (const auto& option : options->as_array()) {
    if (!option.is_object()) continue;
    if (Text(&option.as_object(), "name") == kThemeOption) {
      return Text(&option.as_object(), "value");
    }
  }
  return {};
}

}  // namespace

Result<Interaction> ParseInteraction(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return InvalidArgument("body: must be a JSON object");
  const object& root = value.as_object();
  const auto* type = root.if_contains("type");
  if (type == nullptr || !type->is_int64()) return InvalidArgument("type: must be an integer");

  Interaction in;
  in.raw_type = static_cast<int>(type->as_int64());
  in.type = in.raw_type == 1   ? InteractionType::kPing
            : in.raw_type == 2 ? InteractionType::kApplicationCommand
                               : InteractionType::kOther;
  in.id = Text(&root, "id");
  in.application_id = Text(&root, "application_id");
  in.token = Text(&root, "token");
  if (in.type != InteractionType::kApplicationCommand) return in;

  const object* data = Object(&root, "data");
  in.command = Text(data, "name");
  in.theme = ThemeOption(data);
  in.channel_id = Text(&root, "channel_id");
  if (in.channel_id.empty()) in.channel_id = Text(Object(&root, "channel"), "id");
  // In a server the user is inside `member`; in a DM it is `user`.
  const object* user = Object(Object(&root, "member"), "user");
  if (user == nullptr) user = Object(&root, "user");
  in.user_id = Text(user, "id");
  in.user_name = Text(user, "global_name");
  if (in.user_name.empty()) in.user_name = Text(user, "username");
  in.locale = Text(&root, "locale");
  if (in.locale.empty()) in.locale = Text(&root, "guild_locale");

  const std::pair<const char*, const std::string*> required[] = {
      {"id", &in.id},
      {"token", &in.token},
      {"application_id", &in.application_id},
      {"data.name", &in.command},
      {"member.user.id or user.id", &in.user_id},
      {"channel_id", &in.channel_id},
  };
  for (const auto& [name, field] : required) {
    if (field->empty()) return InvalidArgument(std::string(name) + ": is required");
  }
  return in;
}

std::string DedupeKey(const Interaction& interaction) { return "interaction:" + interaction.id; }

InboundMessage MessageFromCommand(const Interaction& interaction, std::int64_t received_unix_ms,
                                  std::string trace_id) {
  InboundMessage m;
  m.channel = kChannelId.str();
  m.chat_id = interaction.channel_id;
  m.user_id = interaction.user_id;
  m.user_name = interaction.user_name;
  m.language_hint = interaction.locale;
  m.text = ChatText(interaction.command, interaction.theme);
  m.reply_context = EncodeReplyContext({interaction.application_id, interaction.token,
                                        interaction.id, received_unix_ms + kTokenLifetimeMs});
  m.trace_id = std::move(trace_id);
  return m;
}

}  // namespace storybot::discord
