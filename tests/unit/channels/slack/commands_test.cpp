#include "channels/slack/commands.h"

#include <gtest/gtest.h>

#include "channels/slack/inbound.h"

namespace storybot::slack {
namespace {

TEST(SlackForm, DecodesPlusAndPercentEscapes) {
  auto form =
      ParseForm("command=%2Fstory&text=a+dragon%21+%E6%95%85%E4%BA%8B&empty=&flag&&x=1&x=2");
  ASSERT_TRUE(form.ok()) << form.error().message;
  EXPECT_EQ(form.value().at("command"), "/story");
  EXPECT_EQ(form.value().at("text"), "a dragon! 故事");
  EXPECT_EQ(form.value().at("empty"), "");
  EXPECT_EQ(form.value().at("flag"), "");
  EXPECT_EQ(form.value().at("x"), "2");
  EXPECT_TRUE(ParseForm("").ok());
}

TEST(SlackForm, RefusesBadEscapesAndInvalidUtf8) {
  EXPECT_FALSE(ParseForm("text=%").ok());
  EXPECT_FALSE(ParseForm("text=%4").ok());
  EXPECT_FALSE(ParseForm("text=%zz").ok());
  EXPECT_FALSE(ParseForm("text=%FF").ok());
  EXPECT_FALSE(ParseForm("te%xxt=1").ok());
}

TEST(SlackForm, SlashCommandFromSlacksExample) {
  auto form = ParseForm(
      "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C2147483705"
      "&channel_name=test&user_id=U2147483697&user_name=Steve&command=%2Fstory&text=space+cats"
      "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678"
      "&trigger_id=13345224609.738474920.8088930838d88f008e0");
  ASSERT_TRUE(form.ok());
  auto command = ParseSlashCommand(form.value());
  ASSERT_TRUE(command.ok()) << command.error().message;
  const SlashCommand& c = command.value();
  EXPECT_EQ(c.command, "/story");
  EXPECT_EQ(c.text, "space cats");
  EXPECT_EQ(c.channel_id, "C2147483705");
  EXPECT_EQ(c.user_name, "Steve");
  EXPECT_EQ(c.response_url, "https://hooks.slack.com/commands/1234/5678");

  const InboundMessage m = MessageFromCommand(c, "t");
  EXPECT_EQ(m.channel, "slack");
  EXPECT_EQ(m.chat_id, "C2147483705");
  EXPECT_EQ(m.user_name, "Steve");
  EXPECT_EQ(m.text, "/story space cats");
  const ReplyTarget target = DecodeReplyContext(m.reply_context);
  EXPECT_EQ(target.channel, "C2147483705");
  EXPECT_EQ(target.thread_ts, "");
  EXPECT_EQ(target.response_url, "https://hooks.slack.com/commands/1234/5678");
  EXPECT_EQ(CommandDedupeKey(c), "command:13345224609.738474920.8088930838d88f008e0");
}

TEST(SlackForm, SlashCommandNeedsItsFields) {
  auto missing =
      ParseSlashCommand({{"command", "/story"}, {"channel_id", "C1"}, {"user_id", "U1"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "trigger_id: is required");
}

TEST(SlackForm, ChatTextMapsSubcommands) {
  EXPECT_EQ(ChatText("", true), "/story");
  EXPECT_EQ(ChatText("  dragons ", true), "/story dragons");
  EXPECT_EQ(ChatText("Continue", true), "/continue");
  EXPECT_EQ(ChatText("themes", false), "/themes");
  EXPECT_EQ(ChatText("reset", true), "/reset");
  EXPECT_EQ(ChatText("continue the dragon story", false), "continue the dragon story");
  EXPECT_EQ(ChatText("dragons", false), "dragons");
  EXPECT_TRUE(IsHelpRequest(" HELP "));
  EXPECT_TRUE(IsHelpRequest("帮助"));
  EXPECT_FALSE(IsHelpRequest("help me find a dragon"));
}

TEST(SlackForm, ReplyContextRoundTrip) {
  const ReplyTarget target{"C1", "1.5", "https://hooks.slack.com/x"};
  const ReplyTarget back = DecodeReplyContext(EncodeReplyContext(target));
  EXPECT_EQ(back.channel, "C1");
  EXPECT_EQ(back.thread_ts, "1.5");
  EXPECT_EQ(back.response_url, "https://hooks.slack.com/x");
  EXPECT_EQ(DecodeReplyContext("not json").channel, "");
}

}  // namespace
}  // namespace storybot::slack
