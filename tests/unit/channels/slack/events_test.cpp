#include "channels/slack/events.h"

#include <gtest/gtest.h>

#include "channels/slack/inbound.h"

namespace storybot::slack {
namespace {

std::string Callback(const std::string& event, const std::string& extra = "") {
  return R"({"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback",)"
         R"("event_id":"Ev123","event_time":1700000000,)" +
         extra + R"("event":)" + event + "}";
}

TEST(SlackEvents, UrlVerificationGivesTheChallenge) {
  auto event = ParseEvent(
      R"({"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})",
      "");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event.value().kind, SlackEvent::Kind::kUrlVerification);
  EXPECT_EQ(event.value().challenge, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  EXPECT_FALSE(ParseEvent(R"({"type":"url_verification"})", "").ok());
}

TEST(SlackEvents, AppMentionIsAnsweredInItsThread) {
  auto event = ParseEvent(
      Callback(
          R"({"type":"app_mention","user":"U061F7AUR","text":"<@UBOT> a story about cats &amp; dogs",)"
          R"("ts":"1515449522.000016","channel":"C0LAN2Q65","event_ts":"1515449522000016"})"),
      "UBOT");
  ASSERT_TRUE(event.ok()) << event.error().message;
  const SlackEvent& e = event.value();
  EXPECT_EQ(e.kind, SlackEvent::Kind::kMessage);
  EXPECT_EQ(e.event_id, "Ev123");
  EXPECT_EQ(e.channel, "C0LAN2Q65");
  EXPECT_EQ(e.user, "U061F7AUR");
  EXPECT_EQ(e.text, "a story about cats & dogs");
  EXPECT_EQ(e.thread_ts, "1515449522.000016");
  EXPECT_FALSE(e.direct);

  const InboundMessage m = MessageFromEvent(e, "trace1");
  EXPECT_EQ(m.channel, "slack");
  EXPECT_EQ(m.chat_id, "C0LAN2Q65/1515449522.000016");
  EXPECT_EQ(m.user_id, "U061F7AUR");
  EXPECT_EQ(m.text, "a story about cats & dogs");
  EXPECT_EQ(m.trace_id, "trace1");
  const ReplyTarget target = DecodeReplyContext(m.reply_context);
  EXPECT_EQ(target.channel, "C0LAN2Q65");
  EXPECT_EQ(target.thread_ts, "1515449522.000016");
  EXPECT_EQ(EventDedupeKey(e), "event:Ev123");
}

TEST(SlackEvents, MentionInsideAThreadAnswersInThatThread) {
  auto event = ParseEvent(Callback(R"({"type":"app_mention","user":"U1","text":"<@UBOT> continue",)"
                                   R"("ts":"2.0","thread_ts":"1.0","channel":"C1"})"),
                          "UBOT");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event.value().thread_ts, "1.0");
  EXPECT_EQ(MessageFromEvent(event.value(), "").text, "/continue");
}

TEST(SlackEvents, DirectMessagesAreAnsweredInTheOpen) {
  auto event = ParseEvent(Callback(R"({"type":"message","channel_type":"im","user":"U1",)"
                                   R"("text":"讲一个关于月亮的故事","ts":"3.0","channel":"D1"})"),
                          "UBOT");
  ASSERT_TRUE(event.ok());
  const SlackEvent& e = event.value();
  EXPECT_EQ(e.kind, SlackEvent::Kind::kMessage);
  EXPECT_TRUE(e.direct);
  EXPECT_EQ(e.thread_ts, "");
  const InboundMessage m = MessageFromEvent(e, "");
  EXPECT_EQ(m.chat_id, "D1");
  EXPECT_EQ(m.text, "讲一个关于月亮的故事");
}

TEST(SlackEvents, IgnoresWhatIsNotForUs) {
  const char* ignored[] = {
      // a message in a channel (not a DM): only mentions count there
      R"({"type":"message","channel_type":"channel","user":"U1","text":"hi","ts":"1","channel":"C1"})",
      // edits, deletions and other subtypes
      R"({"type":"message","subtype":"message_changed","channel_type":"im","channel":"D1","ts":"1"})",
      R"({"type":"message","subtype":"bot_message","channel_type":"im","channel":"D1","ts":"1","text":"x"})",
      // bot messages, our own messages
      R"({"type":"message","channel_type":"im","user":"U2","bot_id":"B1","text":"x","ts":"1","channel":"D1"})",
      R"({"type":"message","channel_type":"im","user":"UBOT","text":"x","ts":"1","channel":"D1"})",
      // other event types
      R"({"type":"reaction_added","user":"U1","reaction":"thumbsup"})",
  };
  for (const char* e : ignored) {
    auto event = ParseEvent(Callback(e), "UBOT");
    ASSERT_TRUE(event.ok()) << e;
    EXPECT_EQ(event.value().kind, SlackEvent::Kind::kIgnored) << e;
  }
  auto other = ParseEvent(R"({"type":"app_rate_limited","team_id":"T1"})", "UBOT");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other.value().kind, SlackEvent::Kind::kIgnored);
}

TEST(SlackEvents, OwnUserFromAuthorizationsBeforeAuthTestAnswers) {
  const std::string authorizations =
      R"("authorizations":[{"team_id":"T1","user_id":"UBOT","is_bot":true}],)";
  auto own = ParseEvent(Callback(R"({"type":"message","channel_type":"im","user":"UBOT",)"
                                 R"("text":"x","ts":"1","channel":"D1"})",
                                 authorizations),
                        "");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own.value().kind, SlackEvent::Kind::kIgnored);
}

TEST(SlackEvents, MalformedPayloadsAreErrors) {
  EXPECT_FALSE(ParseEvent("", "").ok());
  EXPECT_FALSE(ParseEvent("{", "").ok());
  EXPECT_FALSE(ParseEvent("[1]", "").ok());
  EXPECT_FALSE(ParseEvent(R"({"type":"event_callback","event":{"type":"app_mention"}})", "").ok());
  EXPECT_FALSE(ParseEvent(R"({"type":"event_callback","event_id":"Ev1","event":5})", "").ok());
}

TEST(SlackEvents, StripMention) {
  EXPECT_EQ(StripMention("<@UBOT> dragons", "UBOT"), "dragons");
  EXPECT_EQ(StripMention("  <@UBOT|storybot>   dragons ", "UBOT"), "dragons");
  EXPECT_EQ(StripMention("tell <@UBOT> a story for <@U2>", "UBOT"), "tell a story for <@U2>");
  EXPECT_EQ(StripMention("<@UOTHER> dragons", ""), "dragons");
  EXPECT_EQ(StripMention("<@UBOT>", "UBOT"), "");
  EXPECT_EQ(StripMention("a <@broken", "UBOT"), "a <@broken");
}

}  // namespace
}  // namespace storybot::slack
