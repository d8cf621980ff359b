// Issue 13, items 1–3, through the real binary over signed webhooks: prompts shape the offline
// storyteller's stories, the webhook's "language" wins, and /continue keeps the cast and the name.
#include <chrono>

#include "channels/webhook/signature.h"
#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

class StoryStateTest : public StorybotTest {
 protected:
  void SetUp() override {
    StorybotTest::SetUp();
    auto created = Post("/api/integrations", R"({"name": "shop"})");
    ASSERT_EQ(created.status, 201) << created.body;
    secret_ = std::string(Json(created).at("secret").as_string());
  }

  // A synchronous webhook delivery; returns the story (empty on failure).
  std::string Ask(const std::string& body) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::string id = "msg_" + std::to_string(++sent_);
    const std::string key = webhook::SecretKey(secret_).value();
    auto answer = Fetch("POST", Url("/webhooks/shop"),
                        {{"webhook-id", id},
                         {"webhook-timestamp", std::to_string(now)},
                         {"webhook-signature", webhook::Sign(key, id, now, body)},
                         {"Content-Type", "application/json"}},
                        body, 30000);
    EXPECT_EQ(answer.status, 200) << answer.body;
    if (answer.status != 200) return "";
    return std::string(Json(answer).at("story").as_string());
  }

  static bool HasIdeographs(const std::string& text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
      const auto b = static_cast<unsigned char>(text[i]);
      if (b >= 0xE4 && b <= 0xE9) return true;
    }
    return false;
  }

  std::string secret_;
  int sent_ = 0;
};

TEST_F(StoryStateTest, TheWebhooksLanguageFieldWinsOverTheText) {
  const std::string zh =
      Ask(R"({"user_id": "u1", "text": "a story about a turtle", "language": "zh"})");
  EXPECT_TRUE(HasIdeographs(zh)) << zh;
  const std::string en = Ask(R"({"user_id": "u2", "text": "a story about a turtle"})");
  EXPECT_FALSE(HasIdeographs(en)) << en;
  EXPECT_NE(en.find("a turtle"), std::string::npos) << en;
}

TEST_F(StoryStateTest, TheReadmesCatPromptShapesTheStory) {
  auto created = Post(
      "/api/prompts",
      R"({"content": "从前，{{user_name|小朋友}}遇见了一只会说话的猫。{{request}}", "title": "会说话的猫"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string story = Ask(R"({"user_id": "u3", "text": "/story 会说话的猫"})");
  EXPECT_EQ(story.rfind("从前，小朋友遇见了一只会说话的猫。", 0), 0u) << story;
  EXPECT_NE(story.find("这只会说话的猫"), std::string::npos) << story;
}

TEST_F(StoryStateTest, ContinueWithoutUserNameKeepsTheCastAndTheName) {
  // The issue's case: no prompt, "user_name": "Ada" once, then /continue without it.
  const std::string one = Ask(R"({"user_id": "u4", "text": "a story", "user_name": "Ada"})");
  ASSERT_NE(one.find("Ada"), std::string::npos) << one;
  std::string companion;
  for (const char* name : {"Pip", "Luna", "Biscuit", "Tilly", "Bramble", "Nimbus", "Sparky",
                           "Hazel", "Coco", "Wren"}) {
    if (one.find(name) != std::string::npos) companion = name;
  }
  ASSERT_FALSE(companion.empty()) << one;
  const std::string two = Ask(R"({"user_id": "u4", "text": "/continue"})");
  EXPECT_EQ(two.rfind("Chapter 2", 0), 0u) << two;
  EXPECT_NE(two.find("Ada"), std::string::npos) << two;
  EXPECT_EQ(two.find("the child"), std::string::npos) << two;
  EXPECT_NE(two.find(companion), std::string::npos) << one << "\n----\n" << two;

  // With a prompt: its creature and place stay, even after the prompt is edited.
  auto created = Post(
      "/api/prompts",
      R"({"title": "Dragons", "content": "Once upon a time, {{user_name|a child}} met a dragon in a castle made of clouds. {{request}}"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = std::to_string(Json(created).at("id").as_int64());
  const std::string first =
      Ask(R"({"user_id": "u5", "text": "/story dragons", "user_name": "Ada"})");
  EXPECT_NE(first.find("Ada met a dragon in a castle made of clouds"), std::string::npos) << first;
  ASSERT_EQ(Put("/api/prompts/" + id, R"({"content": "A whale story. {{request}}"})").status, 200);
  const std::string next = Ask(R"({"user_id": "u5", "text": "/continue"})");
  EXPECT_NE(next.find("Ada"), std::string::npos) << next;
  EXPECT_NE(next.find("The dragon, "), std::string::npos) << next;
  EXPECT_NE(next.find("the castle"), std::string::npos) << next;
  EXPECT_EQ(next.find("whale"), std::string::npos) << next;
}

}  // namespace
}  // namespace storybot::test
