// Update parsing from real Bot API shapes.
#include "channels/telegram/update.h"

#include <gtest/gtest.h>

namespace storybot::telegram {
namespace {

constexpr const char* kPrivateText = R"({"update_id": 10000,
  "message": {"message_id": 1365, "date": 1441645532,
    "from": {"id": 1111111, "is_bot": false, "first_name": "Ada", "last_name": "L",
             "username": "ada", "language_code": "en"},
    "chat": {"id": 1111111, "first_name": "Ada", "type": "private"},
    "text": "a story about dragons"}})";

TEST(TelegramUpdateTest, PrivateTextBecomesAMessage) {
  auto u = ParseUpdate(kPrivateText, "StoryBot");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_TRUE(u.value().handled);
  EXPECT_EQ(u.value().update_id, 10000);
  const InboundMessage& m = u.value().message;
  EXPECT_EQ(m.channel, "telegram");
  EXPECT_EQ(m.chat_id, "1111111");
  EXPECT_EQ(m.user_id, "1111111");
  EXPECT_EQ(m.user_name, "Ada");
  EXPECT_EQ(m.language_hint, "en");
  EXPECT_EQ(m.text, "a story about dragons");
  EXPECT_TRUE(m.reply_context.empty());
}

TEST(TelegramUpdateTest, GroupCommandWithBotSuffix) {
  auto u = ParseUpdate(R"({"update_id": 2, "message": {"message_id": 77,
      "from": {"id": 5, "first_name": "小明", "language_code": "zh-hans"},
      "chat": {"id": -1001234567890, "title": "Family", "type": "supergroup"},
      "text": "/story@StoryBot 月亮"}})",
                       "StoryBot");
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(u.value().handled);
  EXPECT_EQ(u.value().message.chat_id, "-1001234567890");
  EXPECT_EQ(u.value().message.user_name, "小明");
  EXPECT_NE(u.value().message.reply_context.find("77"), std::string::npos);
}

TEST(TelegramUpdateTest, GroupCommandForAnotherBotAndChatterAreIgnored) {
  auto other = ParseUpdate(R"({"update_id": 3, "message": {"message_id": 1, "from": {"id": 5},
      "chat": {"id": -5, "type": "group"}, "text": "/story@OtherBot x"}})",
                           "StoryBot");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other.value().handled);
  auto chatter = ParseUpdate(R"({"update_id": 4, "message": {"message_id": 1, "from": {"id": 5},
      "chat": {"id": -5, "type": "group"}, "text": "hello everyone"}})",
                             "StoryBot");
  ASSERT_TRUE(chatter.ok());
  EXPECT_FALSE(chatter.value().handled);
  auto mention = ParseUpdate(R"({"update_id": 5, "message": {"message_id": 1, "from": {"id": 5},
      "chat": {"id": -5, "type": "group"}, "text": "@storybot tell me about owls"}})",
                             "StoryBot");
  ASSERT_TRUE(mention.ok());
  EXPECT_TRUE(mention.value().handled);
}

TEST(TelegramUpdateTest, UnhandledKindsParseButAreIgnored) {
  for (
      const char* json : {
          R"({"update_id": 6, "edited_message": {"message_id": 1, "chat": {"id": 1, "type": "private"}, "text": "x"}})",
          R"({"update_id": 7, "channel_post": {"message_id": 1, "chat": {"id": -100, "type": "channel"}, "text": "x"}})",
          R"({"update_id": 8, "callback_query": {"id": "4382", "from": {"id": 1}, "data": "x"}})",
          R"({"update_id": 9, "message": {"message_id": 1, "from": {"id": 1}, "chat": {"id": 1, "type": "private"},
               "sticker": {"file_id": "abc", "width": 512, "height": 512}}})",
      }) {
    auto u = ParseUpdate(json, "StoryBot");
    ASSERT_TRUE(u.ok()) << json;
    EXPECT_FALSE(u.value().handled) << json;
    EXPECT_GT(u.value().update_id, 0);
  }
}

TEST(TelegramUpdateTest, MalformedInputIsAnError) {
  EXPECT_FALSE(ParseUpdate("{not json", "").ok());
  EXPECT_FALSE(ParseUpdate("[]", "").ok());
  EXPECT_FALSE(ParseUpdate(R"({"message": {}})", "").ok());  // no update_id
  EXPECT_FALSE(ParseUpdate(R"({"update_id": "7"})", "").ok());
  EXPECT_FALSE(ParseUpdate("{\"update_id\": 1, \"message\": {\"text\": \"\xC3\x28\"}}", "").ok());
}

}  // namespace
}  // namespace storybot::telegram
