// What an accepted inbound request becomes: the inbox's message, its per-integration delivery
// key, and the reply_context the sender reads back.
#include "channels/webhook/inbound_message.h"

#include <gtest/gtest.h>

#include "channels/webhook/reply_context.h"

namespace storybot::webhook {
namespace {

TEST(WebhookInboundMessageTest, DeliveryKeysAreKeptApartPerIntegration) {
  EXPECT_EQ(DeliveryKey("acme", "m1"), "acme:m1");
  EXPECT_NE(DeliveryKey("acme", "m1"), DeliveryKey("other", "m1"));
}

TEST(WebhookInboundMessageTest, CarriesWhatTheEngineAndTheSenderNeed) {
  InboundRequest body;
  body.user_id = "u1";
  body.user_name = "Ada";
  body.text = "a cat who flies";
  body.language = "en";
  body.prompt_id = 3;
  body.variables = {{"hero", "cat"}};
  body.callback_url = "https://hooks.example/cb";
  const InboundMessage m = BuildInboundMessage(body, "acme", "m1", "trace-1");
  EXPECT_EQ(m.channel, "webhook");
  EXPECT_EQ(m.chat_id, "acme:u1");
  EXPECT_EQ(m.user_id, "u1");
  EXPECT_EQ(m.user_name, "Ada");
  EXPECT_EQ(m.language, "en");
  EXPECT_TRUE(m.language_hint.empty());
  EXPECT_EQ(m.text, "a cat who flies");
  EXPECT_EQ(m.trace_id, "trace-1");
  EXPECT_EQ(m.prompt_id, 3);
  EXPECT_EQ(m.variables.at("hero"), "cat");

  const ReplyContext context = ParseReplyContext(m.reply_context);
  EXPECT_EQ(context.integration, "acme");
  EXPECT_EQ(context.webhook_id, "m1");
  EXPECT_EQ(context.user_id, "u1");
  EXPECT_EQ(context.callback_url, "https://hooks.example/cb");
  EXPECT_EQ(context.prompt_id, 3);
  EXPECT_EQ(context.variables.at("hero"), "cat");
}

TEST(WebhookInboundMessageTest, ASyncRequestHasNoCallbackAndNoPrompt) {
  InboundRequest body;
  body.user_id = "u1";
  body.text = "hi";
  const InboundMessage m = BuildInboundMessage(body, "acme", "m1", "t");
  EXPECT_EQ(m.prompt_id, 0);
  EXPECT_EQ(m.reply_context, R"({"integration":"acme","webhook_id":"m1","user_id":"u1"})");
}

TEST(WebhookReplyContextTest, AnythingElseReadsAsEmpty) {
  EXPECT_TRUE(ParseReplyContext("not json").integration.empty());
  EXPECT_TRUE(ParseReplyContext("[1]").callback_url.empty());
  const ReplyContext c = ParseReplyContext(R"({"callback_url": 5, "prompt_id": "x"})");
  EXPECT_TRUE(c.callback_url.empty());
  EXPECT_FALSE(c.prompt_id);
}

}  // namespace
}  // namespace storybot::webhook
