// A story callback's outbox row: the signed body's envelope and data, and the story fields it
// shares with the sync answer.
#include "channels/webhook/callback_builder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "channels/webhook/story_answer.h"

namespace storybot::webhook {
namespace {

TEST(WebhookStoryAnswerTest, NamesTheEngineThatWroteTheStoryElseTheConfiguredOne) {
  EXPECT_EQ(StoryAnswer("s", "offline", "openai", {}).at("engine").as_string(), "offline");
  EXPECT_EQ(StoryAnswer("s", "", "openai", {}).at("engine").as_string(), "openai");
}

TEST(WebhookStoryAnswerTest, UnknownIdsAreNull) {
  const auto none = StoryAnswer("s", "", "offline", {});
  EXPECT_EQ(none.at("story").as_string(), "s");
  EXPECT_TRUE(none.at("prompt_id").is_null());
  EXPECT_TRUE(none.at("conversation_id").is_null());
  const auto known = StoryAnswer("s", "", "offline", {8, 3});
  EXPECT_EQ(known.at("conversation_id").as_int64(), 8);
  EXPECT_EQ(known.at("prompt_id").as_int64(), 3);
}

TEST(WebhookCallbackBuilderTest, BuildsTheStoryCompletedEvent) {
  ReplyContext context;
  context.integration = "acme";
  context.webhook_id = "m1";
  context.user_id = "u1";
  context.callback_url = "https://hooks.example/cb";
  const CallbackRecord r =
      BuildCallback("acme:m1", context, 41, StoryAnswer("Once", "offline", "openai", {8, 3}),
                    "msg_abc", "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(r.delivery_key, "acme:m1");
  EXPECT_EQ(r.integration, "acme");
  EXPECT_EQ(r.url, "https://hooks.example/cb");
  EXPECT_EQ(r.message_id, "msg_abc");
  EXPECT_EQ(r.state, "pending");
  EXPECT_EQ(r.payload,
            R"({"type":"story.completed","timestamp":"2026-12-01T10:00:00.000Z","data":)"
            R"({"job_id":41,"webhook_id":"m1","user_id":"u1","story":"Once","engine":"offline",)"
            R"("prompt_id":3,"conversation_id":8}})");
}

TEST(WebhookCallbackBuilderTest, MessageIdsAreFreshAndShaped) {
  const std::string a = NewCallbackMessageId();
  EXPECT_TRUE(a.starts_with("msg_"));
  EXPECT_EQ(a.size(), 4u + 32u);
  EXPECT_NE(a, NewCallbackMessageId());
}

}  // namespace
}  // namespace storybot::webhook
