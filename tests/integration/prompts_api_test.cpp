// The prompts admin API end to end over real HTTP against the real binary.
#include <fstream>

#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

using PromptsApiTest = StorybotTest;

const std::string kChinese = "从前，{{user_name|小朋友}}遇见了一只会说话的猫。{{request}}";

TEST_F(PromptsApiTest, WholeLifecycleWithChineseText) {
  auto created = Post("/api/prompts", boost::json::serialize(boost::json::object{
                                          {"content", kChinese}, {"title", "会说话的猫"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto prompt = Json(created).as_object();
  const std::int64_t id = prompt.at("id").as_int64();
  EXPECT_EQ(created.Header("location"), "/api/prompts/" + std::to_string(id));
  EXPECT_EQ(prompt.at("title").as_string(), "会说话的猫");
  EXPECT_EQ(prompt.at("content").as_string(), kChinese);
  EXPECT_EQ(prompt.at("enabled").as_bool(), true);
  EXPECT_EQ(prompt.at("version").as_int64(), 1);
  EXPECT_EQ(prompt.at("created_at").as_string().back(), 'Z');
  EXPECT_TRUE(prompt.contains("updated_at"));

  const std::string path = "/api/prompts/" + std::to_string(id);
  auto one = Get(path);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Json(one).at("content").as_string(), kChinese);

  auto updated = Put(path, R"({"content": "新的开头：{{request}}", "enabled": false})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(Json(updated).at("version").as_int64(), 2);
  EXPECT_EQ(Json(updated).at("enabled").as_bool(), false);
  EXPECT_EQ(Json(updated).at("title").as_string(), "会说话的猫");

  auto versions = Get(path + "/versions");
  ASSERT_EQ(versions.status, 200);
  const auto versions_json = Json(versions);
  const auto& list = versions_json.as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("version").as_int64(), 2);
  EXPECT_EQ(list[1].at("content").as_string(), kChinese);
  for (const char* field : {"version", "content", "title", "enabled", "created_at"}) {
    EXPECT_TRUE(list[0].as_object().contains(field)) << field;
  }

  auto all = Get("/api/prompts");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(Json(all).as_array().size(), 1u);
  EXPECT_EQ(Json(all).as_array()[0].at("version").as_int64(), 2);

  auto deleted = Fetch("DELETE", Url(path), Admin());
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  auto gone = Get(path);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(ErrorCodeOf(gone), "not_found");
  EXPECT_EQ(ErrorMessageOf(gone), "prompt " + std::to_string(id) + " does not exist");
  EXPECT_EQ(Fetch("DELETE", Url(path), Admin()).status, 404);
  EXPECT_EQ(Json(Get("/api/prompts")).as_array().size(), 0u);
}

TEST_F(PromptsApiTest, ListIsOrderedByIdAndTitleDefaultsToFirstWords) {
  for (const char* content : {"One little story about {{request}}", "二", "three"}) {
    ASSERT_EQ(
        Post("/api/prompts", boost::json::serialize(boost::json::object{{"content", content}}))
            .status,
        201);
  }
  const auto list = Json(Get("/api/prompts")).as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_LT(list[0].at("id").as_int64(), list[1].at("id").as_int64());
  EXPECT_LT(list[1].at("id").as_int64(), list[2].at("id").as_int64());
  EXPECT_EQ(list[0].at("title").as_string(), "One little story about");
  EXPECT_EQ(list[1].at("title").as_string(), "二");
}

// Every bad input gets the right status, names the field, and stores nothing.
TEST_F(PromptsApiTest, BadInputIsRefusedAndChangesNothing) {
  struct Case {
    std::string name;
    HeaderList headers;
    std::string body;
    long status;
    std::string code;
    std::string mentions;
  };
  const std::string oversized(2 * 1024 * 1024, 'a');
  std::string too_long = R"({"content": ")";
  for (int i = 0; i < 8001; ++i) too_long += "字";
  too_long += R"("})";
  const std::vector<Case> cases = {
      {"malformed JSON", AdminJson(), R"({"content": )", 400, "malformed_json", "JSON"},
      {"invalid UTF-8", AdminJson(), "{\"content\": \"\xC3\x28\"}", 400, "malformed_json", ""},
      {"not an object", AdminJson(), R"(["content"])", 400, "invalid_argument", "object"},
      {"content missing", AdminJson(), R"({"title": "x"})", 400, "invalid_argument", "content"},
      {"content wrong type", AdminJson(), R"({"content": 5})", 400, "invalid_argument", "content"},
      {"enabled wrong type", AdminJson(), R"({"content": "x", "enabled": "yes"})", 400,
       "invalid_argument", "enabled"},
      {"title wrong type", AdminJson(), R"({"content": "x", "title": null})", 400,
       "invalid_argument", "title"},
      {"unknown field", AdminJson(), R"({"content": "x", "colour": "red"})", 400,
       "invalid_argument", "colour"},
      {"empty content", AdminJson(), R"({"content": ""})", 400, "invalid_argument", "content"},
      {"template error", AdminJson(), R"({"content": "Hi {{user_name"})", 400, "invalid_argument",
       "character 4"},
      {"too long", AdminJson(), too_long, 400, "invalid_argument", "8000"},
      {"deeply nested", AdminJson(), std::string(100, '[') + std::string(100, ']'), 400,
       "malformed_json", ""},
      {"wrong content type", Admin({{"Content-Type", "text/plain"}}), R"({"content": "x"})", 415,
       "unsupported_media_type", "application/json"},
      {"no token",
       {{"Content-Type", "application/json"}},
       R"({"content": "x"})",
       401,
       "unauthenticated",
       ""},
      {"wrong token",
       {{"Content-Type", "application/json"}, {"Authorization", "Bearer nope"}},
       R"({"content": "x"})",
       401,
       "unauthenticated",
       ""},
      {"2 MiB body", AdminJson(), oversized, 413, "payload_too_large", ""},
  };
  for (const Case& c : cases) {
    auto r = Fetch("POST", Url("/api/prompts"), c.headers, c.body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    if (r.status == 0) continue;
    EXPECT_EQ(ErrorCodeOf(r), c.code) << c.name;
    EXPECT_NE(ErrorMessageOf(r).find(c.mentions), std::string::npos)
        << c.name << ": " << ErrorMessageOf(r);
    EXPECT_FALSE(Json(r).at("trace_id").as_string().empty()) << c.name;
  }
  EXPECT_EQ(Json(Get("/api/prompts")).as_array().size(), 0u);
}

TEST_F(PromptsApiTest, UpdateErrors) {
  ASSERT_EQ(Post("/api/prompts", R"({"content": "base"})").status, 201);
  EXPECT_EQ(Put("/api/prompts/1", R"({})").status, 400);
  EXPECT_EQ(Put("/api/prompts/1", R"({"title": ""})").status, 400);
  EXPECT_EQ(Put("/api/prompts/1", R"({"content": "{{"})").status, 400);
  EXPECT_EQ(Put("/api/prompts/999", R"({"title": "x"})").status, 404);
  EXPECT_EQ(Put("/api/prompts/abc", R"({"title": "x"})").status, 404);
  EXPECT_EQ(Json(Get("/api/prompts/1")).at("version").as_int64(), 1);  // unchanged
}

TEST_F(PromptsApiTest, DataSurvivesARestart) {
  ASSERT_EQ(Post("/api/prompts", R"({"content": "保存下来的故事"})").status, 201);
  ASSERT_EQ(Put("/api/prompts/1", R"({"title": "留着"})").status, 200);
  EXPECT_EQ(process_->Stop(SIGTERM), 0);
  StartStorybot();
  auto one = Get("/api/prompts/1");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Json(one).at("content").as_string(), "保存下来的故事");
  EXPECT_EQ(Json(one).at("title").as_string(), "留着");
  EXPECT_EQ(Json(Get("/api/prompts/1/versions")).as_array().size(), 2u);
}

}  // namespace
}  // namespace storybot::test
