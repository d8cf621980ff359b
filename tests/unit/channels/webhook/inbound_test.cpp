// The inbound webhook body: every field checked, errors name the field.
#include "channels/webhook/inbound.h"

#include <gtest/gtest.h>

#include "channels/webhook/callback_dispatcher.h"

namespace storybot::webhook {
namespace {

std::string ErrorOf(std::string_view body) {
  auto r = ParseInboundRequest(body);
  return r.ok() ? std::string("ok") : r.error().message;
}

TEST(WebhookInboundTest, ReadsAFullBody) {
  auto r = ParseInboundRequest(
      R"({"user_id": "u1", "text": "讲一个故事", "user_name": "Ada", "language": "zh",
          "prompt_id": 3, "variables": {"hero": "cat"}, "callback_url": "https://x.example/cb"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().user_id, "u1");
  EXPECT_EQ(r.value().text, "讲一个故事");
  EXPECT_EQ(r.value().user_name, "Ada");
  EXPECT_EQ(r.value().language, "zh");
  EXPECT_EQ(r.value().prompt_id, 3);
  EXPECT_EQ(r.value().variables.at("hero"), "cat");
  EXPECT_EQ(r.value().callback_url, "https://x.example/cb");
}

TEST(WebhookInboundTest, OptionalFieldsMayBeAbsentOrNull) {
  auto r = ParseInboundRequest(R"({"user_id": "u1", "text": "hi", "user_name": null})");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().prompt_id.has_value());
  EXPECT_TRUE(r.value().callback_url.empty());
}

TEST(WebhookInboundTest, ErrorsNameTheField) {
  EXPECT_EQ(ErrorOf(R"({"text": "hi"})").rfind("user_id:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u"})").rfind("text:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u", "text": "  "})").rfind("text:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": 5, "text": "hi"})").rfind("user_id:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u", "text": "hi", "mood": 1})").rfind("mood:", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u", "text": "hi", "prompt_id": "1"})").rfind("prompt_id:", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u", "text": "hi", "prompt_id": 0})").rfind("prompt_id:", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u", "text": "hi", "variables": []})").rfind("variables:", 0),
            0u);
  EXPECT_EQ(
      ErrorOf(R"({"user_id": "u", "text": "hi", "variables": {"a": 1}})").rfind("variables.a:", 0),
      0u);
  EXPECT_EQ(
      ErrorOf(R"({"user_id": "u", "text": "hi", "callback_url": 7})").rfind("callback_url:", 0),
      0u);
  EXPECT_EQ(ErrorOf(R"({"user_id": "u", "text": "hi", "language": "a-very-long-language-tag"})")
                .rfind("language:", 0),
            0u);
  EXPECT_EQ(ErrorOf("[1]").rfind("body:", 0), 0u);
  EXPECT_EQ(ErrorOf("{").rfind("body:", 0), 0u);
  EXPECT_EQ(
      ErrorOf(R"({"user_id": "u", "text": ")" + std::string(4001, 'x') + "\"}").rfind("text:", 0),
      0u);
}

TEST(WebhookCallbackBackoffTest, DoublesUpToTheCapWithJitter) {
  CallbackOptions options;
  options.first_retry = std::chrono::seconds(2);
  options.max_retry = std::chrono::hours(1);
  for (int attempt = 1; attempt <= 40; ++attempt) {
    const auto d = CallbackDispatcher::Backoff(options, attempt);
    const double expected =
        std::min(2000.0 * static_cast<double>(1LL << std::min(attempt - 1, 20)), 3600000.0);
    EXPECT_GE(d.count(), static_cast<std::int64_t>(expected * 0.8) - 1) << attempt;
    EXPECT_LE(d.count(), static_cast<std::int64_t>(expected * 1.2) + 1) << attempt;
  }
}

}  // namespace
}  // namespace storybot::webhook
