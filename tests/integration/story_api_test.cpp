// Story preview, conversations and stats over real HTTP (offline storyteller: no LLM configured).
#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

using StoryApiTest = StorybotTest;

TEST_F(StoryApiTest, PreviewWritesAChineseStoryWithTheChosenPrompt) {
  auto created = Post(
      "/api/prompts",
      R"({"title": "会说话的猫", "content": "从前，{{user_name|小朋友}}遇见了一只会说话的猫。{{request}}"})");
  ASSERT_EQ(created.status, 201);
  const auto id = Json(created).at("id").as_int64();
  auto preview = Post("/api/stories/preview",
                      R"({"request": "讲一个关于月亮的故事", "prompt_id": )" + std::to_string(id) +
                          R"(, "variables": {"user_name": "小明"}})");
  ASSERT_EQ(preview.status, 200) << preview.body;
  const auto body = Json(preview).as_object();
  EXPECT_EQ(body.at("engine").as_string(), "offline");
  EXPECT_EQ(body.at("prompt_id").as_int64(), id);
  const std::string story(body.at("story").as_string());
  EXPECT_NE(story.find("小明"), std::string::npos) << story;
  EXPECT_GT(story.size(), 600u);  // a real, multi-paragraph story (≥ 200 CJK characters)
}

TEST_F(StoryApiTest, PreviewWithoutPromptsUsesTheBuiltInOne) {
  auto preview =
      Post("/api/stories/preview", R"({"request": "dragons", "variables": {"user_name": "Ada"}})");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_TRUE(Json(preview).at("prompt_id").is_null());
  const std::string story(Json(preview).at("story").as_string());
  EXPECT_NE(story.find("Ada"), std::string::npos);
}

TEST_F(StoryApiTest, PreviewRefusesBadInput) {
  EXPECT_EQ(Post("/api/stories/preview", R"({"request": 5})").status, 400);
  EXPECT_EQ(Post("/api/stories/preview", R"({"request": "x", "prompt_id": "1"})").status, 400);
  EXPECT_EQ(Post("/api/stories/preview", R"({"request": "x", "variables": {"a": 1}})").status, 400);
  EXPECT_EQ(Post("/api/stories/preview", R"({"request": "x", "mood": "happy"})").status, 400);
  EXPECT_EQ(Post("/api/stories/preview", R"({"request": "x", "prompt_id": 999})").status, 404);
  EXPECT_EQ(Fetch("POST", Url("/api/stories/preview"), {{"Content-Type", "application/json"}},
                  R"({"request": "x"})")
                .status,
            401);
}

TEST_F(StoryApiTest, ConversationsAndStatsStartEmpty) {
  auto conversations = Get("/api/conversations?limit=5&channel=telegram");
  ASSERT_EQ(conversations.status, 200);
  EXPECT_TRUE(Json(conversations).as_array().empty());
  EXPECT_EQ(Get("/api/conversations?limit=0").status, 400);
  EXPECT_EQ(Get("/api/conversations?limit=abc").status, 400);
  ASSERT_EQ(Post("/api/prompts", R"({"content": "x {{request}}"})").status, 201);
  auto stats = Get("/api/stats");
  ASSERT_EQ(stats.status, 200);
  const auto body = Json(stats).as_object();
  EXPECT_EQ(body.at("prompts").as_int64(), 1);
  EXPECT_EQ(body.at("conversations").as_int64(), 0);
  EXPECT_EQ(body.at("jobs").at("pending").as_int64(), 0);
  EXPECT_EQ(body.at("jobs").at("failed").as_int64(), 0);
  EXPECT_TRUE(body.at("messages_by_channel").is_object());
  // Only the webhook channel is on without Telegram and Slack settings.
  ASSERT_EQ(body.at("channels").as_array().size(), 1u);
  EXPECT_EQ(body.at("channels").as_array()[0].as_string(), "webhook");
}

TEST_F(StoryApiTest, ReadinessIncludesTheWorkers) {
  auto ready = Fetch("GET", Url("/readyz"));
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(Json(ready).at("checks").at("workers").as_string(), "ok");
}

}  // namespace
}  // namespace storybot::test
