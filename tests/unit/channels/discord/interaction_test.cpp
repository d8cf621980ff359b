// Parsing Discord interactions (channels/discord/interaction.cpp), the message a command
// becomes, its reply context, and the command list registered at start (commands.cpp).
#include "channels/discord/interaction.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "channels/discord/commands.h"
#include "channels/discord/reply_context.h"

namespace storybot::discord {
namespace {

// A /story command in a server, shaped as in Discord's "Interaction Object" example.
constexpr const char* kGuildCommand = R"({
  "type": 2, "id": "1255582384934113411", "application_id": "1100000000000000001",
  "token": "aW50ZXJhY3Rpb246MTI1NTU4MjM4NDkzNDExMzQxMTpzZWNyZXQ", "version": 1,
  "guild_id": "290926798626357999", "channel_id": "645027906669510667",
  "channel": {"id": "645027906669510667", "type": 0},
  "locale": "zh-CN", "guild_locale": "en-US",
  "member": {"nick": null, "roles": [], "user": {"id": "53908232506183680", "username": "mason",
             "global_name": "Mason", "discriminator": "0"}},
  "data": {"id": "771825006014889984", "name": "story", "type": 1,
           "options": [{"type": 3, "name": "theme", "value": " a brave turtle "}]}
})";

// /continue in a DM: the user is at the top level, no member.
constexpr const char* kDmCommand = R"({
  "type": 2, "id": "1255582384934113412", "application_id": "1100000000000000001",
  "token": "dG9rZW4", "channel": {"id": "800000000000000001", "type": 1},
  "locale": "en-GB",
  "user": {"id": "53908232506183680", "username": "mason", "global_name": null},
  "data": {"id": "771825006014889985", "name": "continue", "type": 1}
})";

TEST(DiscordInteraction, ParsesAPing) {
  auto ping = ParseInteraction(R"({"type":1,"id":"1","application_id":"2","token":"t"})");
  ASSERT_TRUE(ping.ok()) << ping.error().message;
  EXPECT_EQ(ping.value().type, InteractionType::kPing);
  // A PING needs nothing but its type.
  EXPECT_TRUE(ParseInteraction(R"({"type":1})").ok());
}

TEST(DiscordInteraction, ParsesACommandWithOptionsFromAServer) {
  auto parsed = ParseInteraction(kGuildCommand);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Interaction& in = parsed.value();
  EXPECT_EQ(in.type, InteractionType::kApplicationCommand);
  EXPECT_EQ(in.id, "1255582384934113411");
  EXPECT_EQ(in.application_id, "1100000000000000001");
  EXPECT_EQ(in.command, "story");
  EXPECT_EQ(in.theme, " a brave turtle ");
  EXPECT_EQ(in.channel_id, "645027906669510667");
  EXPECT_EQ(in.user_id, "53908232506183680");
  EXPECT_EQ(in.user_name, "Mason");
  EXPECT_EQ(in.locale, "zh-CN");  // the user's, not the guild's
}

TEST(DiscordInteraction, ParsesACommandFromADirectMessage) {
  auto parsed = ParseInteraction(kDmCommand);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Interaction& in = parsed.value();
  EXPECT_EQ(in.command, "continue");
  EXPECT_EQ(in.theme, "");
  EXPECT_EQ(in.channel_id, "800000000000000001");  // from channel.id
  EXPECT_EQ(in.user_id, "53908232506183680");
  EXPECT_EQ(in.user_name, "mason");  // no global name: the username
  EXPECT_EQ(in.locale, "en-GB");
}

TEST(DiscordInteraction, RefusesBadJsonAndMissingFields) {
  for (const char* body : {"", "{", "[]", "42", R"({"type":"2"})", R"({"id":"1"})"}) {
    auto parsed = ParseInteraction(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << body;
  }
  auto without = [](std::string_view field) {
    boost::json::object o = boost::json::parse(kGuildCommand).as_object();
    if (field == "user") {
      o["member"].as_object().erase("user");
    } else if (field == "name") {
      o["data"].as_object().erase("name");
    } else if (field == "channel") {
      o.erase("channel_id");
      o.erase("channel");
    } else {
      o.erase(field);
    }
    return ParseInteraction(boost::json::serialize(o));
  };
  const std::pair<const char*, const char*> cases[] = {
      {"id", "id: is required"},
      {"token", "token: is required"},
      {"application_id", "application_id: is required"},
      {"name", "data.name: is required"},
      {"user", "member.user.id or user.id: is required"},
      {"channel", "channel_id: is required"},
  };
  for (const auto& [field, message] : cases) {
    auto parsed = without(field);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.error().message, message);
  }
}

TEST(DiscordInteraction, OtherTypesAreRecognisedButNotCommands) {
  auto component = ParseInteraction(R"({"type":3,"id":"1","token":"t","application_id":"2"})");
  ASSERT_TRUE(component.ok());
  EXPECT_EQ(component.value().type, InteractionType::kOther);
  EXPECT_EQ(component.value().raw_type, 3);
}

TEST(DiscordInteraction, ACommandBecomesAChatMessage) {
  const Interaction in = ParseInteraction(kGuildCommand).value();
  EXPECT_EQ(DedupeKey(in), "interaction:1255582384934113411");
  const InboundMessage m = MessageFromCommand(in, 1'000'000, "trace-1");
  EXPECT_EQ(m.channel, "discord");
  EXPECT_EQ(m.chat_id, "645027906669510667");
  EXPECT_EQ(m.user_id, "53908232506183680");
  EXPECT_EQ(m.user_name, "Mason");
  EXPECT_EQ(m.language_hint, "zh-CN");
  EXPECT_EQ(m.text, "/story a brave turtle");
  EXPECT_EQ(m.trace_id, "trace-1");
  const ReplyContext context = DecodeReplyContext(m.reply_context);
  EXPECT_EQ(context.application_id, "1100000000000000001");
  EXPECT_EQ(context.token, in.token);
  EXPECT_EQ(context.interaction_id, "1255582384934113411");
  EXPECT_EQ(context.expires_unix_ms, 1'000'000 + 15 * 60 * 1000);
}

TEST(DiscordReplyContext, RoundTripsAndToleratesGarbage) {
  const ReplyContext in{"1", "tok", "2", 42};
  const ReplyContext out = DecodeReplyContext(EncodeReplyContext(in));
  EXPECT_EQ(out.application_id, "1");
  EXPECT_EQ(out.token, "tok");
  EXPECT_EQ(out.interaction_id, "2");
  EXPECT_EQ(out.expires_unix_ms, 42);
  EXPECT_EQ(DecodeReplyContext("not json").token, "");
  EXPECT_EQ(DecodeReplyContext(R"({"token":5})").token, "");
}

TEST(DiscordCommands, ChatTextForEachCommand) {
  EXPECT_EQ(ChatText("story", ""), "/story");
  EXPECT_EQ(ChatText("story", "  dragons \n"), "/story dragons");
  EXPECT_EQ(ChatText("story", "月亮"), "/story 月亮");
  EXPECT_EQ(ChatText("continue", ""), "/continue");
  EXPECT_EQ(ChatText("reset", "ignored"), "/reset");
  EXPECT_EQ(ChatText("help", ""), "/help");
  EXPECT_EQ(ChatText("themes", ""), "/themes");
  EXPECT_EQ(ChatText("somebody-elses", ""), "/help");
}

TEST(DiscordCommands, RegistersFiveSlashCommandsWithChineseLocalizations) {
  const boost::json::value parsed = boost::json::parse(CommandsJson());
  ASSERT_TRUE(parsed.is_array());
  std::vector<std::string> names;
  for (const auto& c : parsed.as_array()) {
    const auto& command = c.as_object();
    names.emplace_back(command.at("name").as_string());
    EXPECT_EQ(command.at("type").as_int64(), 1);
    EXPECT_FALSE(command.at("name_localizations").at("zh-CN").as_string().empty());
    EXPECT_FALSE(command.at("description_localizations").at("zh-CN").as_string().empty());
    EXPECT_LE(command.at("description").as_string().size(), 100u);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"story", "continue", "reset", "help", "themes"}));
  const auto& story = parsed.as_array()[0].as_object();
  const auto& theme = story.at("options").as_array()[0].as_object();
  EXPECT_EQ(theme.at("name").as_string(), "theme");
  EXPECT_EQ(theme.at("type").as_int64(), 3);
  EXPECT_FALSE(theme.at("required").as_bool());
  EXPECT_EQ(theme.at("name_localizations").at("zh-CN").as_string(), "主题");
}

}  // namespace
}  // namespace storybot::discord
