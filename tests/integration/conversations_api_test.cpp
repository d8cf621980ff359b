// The conversations admin API against the real binary (issue 17, part 4): filters, paging, the
// whole transcript, reset; and the prompts' usage counts (part 5). Conversations come from
// signed generic-webhook deliveries answered synchronously by the offline storyteller.
#include <chrono>

#include "channels/webhook/signature.h"
#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

class ConversationsApiTest : public StorybotTest {
 protected:
  void SetUp() override {
    StorybotTest::SetUp();
    auto created = Post("/api/integrations", R"({"name": "shop"})");
    ASSERT_EQ(created.status, 201) << created.body;
    secret_ = std::string(Json(created).at("secret").as_string());
  }

  // Delivers a message and waits for its story (the sync answer); returns the conversation id.
  std::int64_t Say(const std::string& body) {
    const std::string id = "msg_" + std::to_string(++sent_);
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::string key = webhook::SecretKey(secret_).value();
    auto answer = Fetch("POST", Url("/webhooks/shop"),
                        {{"webhook-id", id},
                         {"webhook-timestamp", std::to_string(now)},
                         {"webhook-signature", webhook::Sign(key, id, now, body)},
                         {"Content-Type", "application/json"}},
                        body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    if (answer.status != 200) return 0;
    return Json(answer).at("conversation_id").as_int64();
  }

  // The chat ids of GET /api/conversations?<query>, newest first.
  std::vector<std::string> ChatsOf(const std::string& query) {
    auto listed = Get("/api/conversations?" + query);
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<std::string> chats;
    if (listed.status != 200) return chats;
    const boost::json::value body = Json(listed);
    for (const auto& c : body.as_array()) {
      chats.emplace_back(c.at("chat_id").as_string());
    }
    return chats;
  }

  std::string secret_;
  int sent_ = 0;
};

using Chats = std::vector<std::string>;

TEST_F(ConversationsApiTest, FiltersByChannelUserAndTextAndPages) {
  Say(R"({"user_id": "u1", "user_name": "Ada", "text": "dragons"})");
  Say(R"({"user_id": "u2", "user_name": "Bob", "text": "a story about 50% owls"})");
  Say(R"({"user_id": "u3", "user_name": "Cy", "text": "a story about 500 owls"})");

  EXPECT_EQ(ChatsOf(""), (Chats{"shop:u3", "shop:u2", "shop:u1"}));
  EXPECT_EQ(ChatsOf("channel=webhook").size(), 3u);
  EXPECT_TRUE(ChatsOf("channel=telegram").empty());
  EXPECT_EQ(ChatsOf("user=u1"), (Chats{"shop:u1"}));
  EXPECT_EQ(ChatsOf("user=shop%3Au2"), (Chats{"shop:u2"}));  // the chat id
  EXPECT_EQ(ChatsOf("user=bO"), (Chats{"shop:u2"}));         // part of the name, any case
  EXPECT_EQ(ChatsOf("q=OWLS"), (Chats{"shop:u3", "shop:u2"}));
  // % and _ are text, not wildcards: "50%" is not "500", "5_" matches nothing.
  EXPECT_EQ(ChatsOf("q=50%25"), (Chats{"shop:u2"}));
  EXPECT_TRUE(ChatsOf("q=5_").empty());
  EXPECT_TRUE(ChatsOf("q=dragons&user=u2").empty());
  EXPECT_EQ(ChatsOf("limit=2"), (Chats{"shop:u3", "shop:u2"}));
  EXPECT_EQ(ChatsOf("limit=2&offset=2"), (Chats{"shop:u1"}));
  EXPECT_TRUE(ChatsOf("limit=2&offset=4").empty());

  const boost::json::value listed = Json(Get("/api/conversations?user=u1"));
  ASSERT_EQ(listed.as_array().size(), 1u);
  const auto& ada = listed.as_array()[0].as_object();
  EXPECT_EQ(ada.at("user_name").as_string(), "Ada");
  EXPECT_EQ(ada.at("channel").as_string(), "webhook");
  EXPECT_EQ(ada.at("message_count").as_int64(), 2);
  EXPECT_TRUE(ada.at("has_story").as_bool());

  for (const char* bad : {"offset=-1", "offset=x", "limit=201", "channel=fax"}) {
    auto refused = Get(std::string("/api/conversations?") + bad);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(ErrorCodeOf(refused), "invalid_argument") << bad;
  }
  auto too_long = Get("/api/conversations?q=" + std::string(201, 'a'));
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(ErrorMessageOf(too_long).find("q:"), std::string::npos);
}

TEST_F(ConversationsApiTest, TranscriptHasEveryMessageAndResetForgetsTheStory) {
  const std::int64_t id = Say(R"({"user_id": "u1", "user_name": "Ada", "text": "dragons"})");
  ASSERT_GT(id, 0);
  ASSERT_EQ(Say(R"({"user_id": "u1", "text": "/continue"})"), id);
  const std::string path = "/api/conversations/" + std::to_string(id);

  auto transcript = Get(path);
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  auto body = Json(transcript).as_object();
  EXPECT_TRUE(body.at("has_story").as_bool());
  EXPECT_EQ(body.at("chapter").as_int64(), 2);
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].at("role").as_string(), "user");
  EXPECT_EQ(messages[0].at("user_id").as_string(), "u1");
  EXPECT_EQ(messages[0].at("user_name").as_string(), "Ada");
  EXPECT_EQ(messages[1].at("role").as_string(), "assistant");
  EXPECT_EQ(messages[1].at("user_id").as_string(), "");
  EXPECT_EQ(messages[2].at("role").as_string(), "user");
  EXPECT_EQ(messages[3].at("role").as_string(), "assistant");
  for (const auto& m : messages) {
    EXPECT_TRUE(m.at("in_story").as_bool());
    EXPECT_FALSE(m.at("created_at").as_string().empty());
  }

  auto reset = Fetch("POST", Url(path + "/reset"), Admin());
  EXPECT_EQ(reset.status, 204) << reset.body;
  body = Json(Get(path)).as_object();
  EXPECT_FALSE(body.at("has_story").as_bool());
  EXPECT_EQ(body.at("chapter").as_int64(), 0);
  ASSERT_EQ(body.at("messages").as_array().size(), 4u) << "the transcript stays";
  for (const auto& m : body.at("messages").as_array()) EXPECT_FALSE(m.at("in_story").as_bool());

  EXPECT_EQ(Get("/api/conversations/999").status, 404);
  EXPECT_EQ(ErrorCodeOf(Get("/api/conversations/999")), "not_found");
  EXPECT_EQ(Get("/api/conversations/abc").status, 404);
  EXPECT_EQ(Fetch("POST", Url("/api/conversations/999/reset"), Admin()).status, 404);
  EXPECT_EQ(Fetch("GET", Url(path)).status, 401);
  EXPECT_EQ(Fetch("POST", Url(path + "/reset")).status, 401);
}

TEST_F(ConversationsApiTest, PromptListCountsTheStoriesWrittenWithEachPrompt) {
  auto used = Post("/api/prompts", R"({"title": "Owls", "content": "An owl. {{request}}"})");
  auto unused = Post("/api/prompts", R"({"title": "Cats", "content": "A cat. {{request}}"})");
  ASSERT_EQ(used.status, 201);
  ASSERT_EQ(unused.status, 201);
  const std::string used_id = std::to_string(Json(used).at("id").as_int64());
  ASSERT_EQ(Post("/api/stories/preview", R"({"prompt_id": )" + used_id + "}").status, 200);
  auto counts = [&] {
    std::map<std::string, std::int64_t> by_title;
    const boost::json::value listed = Json(Get("/api/prompts"));
    for (const auto& p : listed.as_array()) {
      by_title[std::string(p.at("title").as_string())] = p.at("usage_count").as_int64();
    }
    return by_title;
  };
  EXPECT_EQ(counts(), (std::map<std::string, std::int64_t>{{"Cats", 0}, {"Owls", 0}}))
      << "a preview is not a story written";

  Say(R"({"user_id": "u1", "text": "night", "prompt_id": )" + used_id + "}");
  Say(R"({"user_id": "u1", "text": "/continue"})");
  Say(R"({"user_id": "u2", "text": "day", "prompt_id": )" + used_id + "}");
  EXPECT_EQ(counts(), (std::map<std::string, std::int64_t>{{"Cats", 0}, {"Owls", 3}}));
}

}  // namespace
}  // namespace storybot::test
