// PATCH /api/integrations/{name} (the admin panel's allowlist editor) against the real binary:
// the new allowlist is stored, answered without a secret, kept across a restart, and decides
// which private callback targets an integration may use; the secrets stay as they were.
#include <chrono>

#include "channels/webhook/signature.h"
#include "tests/integration/fixture.h"
#include "tests/support/fake_http_server.h"

namespace storybot::test {
namespace {

class IntegrationAllowlistTest : public StorybotTest {
 protected:
  HttpResult Patch(const std::string& path, const std::string& body) {
    return Fetch("PATCH", Url(path), AdminJson(), body);
  }

  std::string Create(const std::string& name) {
    auto created = Post("/api/integrations", R"({"name": ")" + name + R"("})");
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return "";
    return std::string(Json(created).at("secret").as_string());
  }

  HttpResult Deliver(const std::string& name, const std::string& secret, const std::string& id,
                     const std::string& body) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::string key = webhook::SecretKey(secret).value();
    return Fetch("POST", Url("/webhooks/" + name),
                 {{"webhook-id", id},
                  {"webhook-timestamp", std::to_string(now)},
                  {"webhook-signature", webhook::Sign(key, id, now, body)},
                  {"Content-Type", "application/json"}},
                 body);
  }
};

TEST_F(IntegrationAllowlistTest, ReplacesTheAllowlistWithoutAnsweringOrChangingTheSecret) {
  const std::string secret = Create("shop");
  auto patched = Patch("/api/integrations/shop",
                       R"({"callback_allowlist": ["10.0.0.0/8", "hooks.internal"]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  const boost::json::value json = Json(patched);
  const auto& o = json.as_object();
  EXPECT_FALSE(o.contains("secret"));
  EXPECT_EQ(o.at("name").as_string(), "shop");
  EXPECT_EQ(boost::json::serialize(o.at("callback_allowlist")),
            R"(["10.0.0.0/8","hooks.internal"])");
  EXPECT_TRUE(o.at("rotated_at").is_null());  // an edit is not a rotation

  auto listed = Get("/api/integrations");
  EXPECT_EQ(boost::json::serialize(Json(listed).at(0).at("callback_allowlist")),
            R"(["10.0.0.0/8","hooks.internal"])");

  // Written to the database, not only the cache.
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  StartStorybot();
  listed = Get("/api/integrations");
  EXPECT_EQ(boost::json::serialize(Json(listed).at(0).at("callback_allowlist")),
            R"(["10.0.0.0/8","hooks.internal"])");

  // The old secret still signs: a webhook without a callback is answered.
  EXPECT_NE(Deliver("shop", secret, "msg_after_patch", R"({"user_id": "u1", "text": "hi"})").status,
            401);

  auto cleared = Patch("/api/integrations/shop", R"({"callback_allowlist": []})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(Json(cleared).at("callback_allowlist").as_array().empty());
}

TEST_F(IntegrationAllowlistTest, TheEditedAllowlistDecidesWhichLoopbackCallbacksAreAccepted) {
  FakeHttpServer receiver;
  receiver.On("POST", "/cb",
              [](const http::ExchangePtr& ex) { ex->Reply(http::JsonResponse(200, "{}")); });
  const std::string secret = Create("shop");
  const std::string body =
      R"({"user_id": "u1", "text": "owls", "callback_url": ")" + receiver.base_url() + R"(/cb"})";
  auto refused = Deliver("shop", secret, "msg_1", body);
  EXPECT_EQ(refused.status, 400) << refused.body;

  ASSERT_EQ(Patch("/api/integrations/shop", R"({"callback_allowlist": ["127.0.0.1"]})").status,
            200);
  auto accepted = Deliver("shop", secret, "msg_2", body);
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_TRUE(WaitFor([&] { return receiver.request_count() >= 1; }));
}

TEST_F(IntegrationAllowlistTest, BadRequestsAreRefusedAndChangeNothing) {
  Create("shop");
  ASSERT_EQ(Patch("/api/integrations/shop", R"({"callback_allowlist": ["10.0.0.0/8"]})").status,
            200);
  struct Case {
    const char* body;
    int status;
    const char* field;
  };
  for (const Case& c :
       {Case{R"({"callback_allowlist": ["not a host!"]})", 400, "callback_allowlist"},
        Case{R"({"callback_allowlist": "10.0.0.0/8"})", 400, "callback_allowlist"},
        Case{R"({"callback_allowlist": [1]})", 400, "callback_allowlist"},
        Case{R"({})", 400, "callback_allowlist"},
        Case{R"({"name": "other", "callback_allowlist": []})", 400, "name"},
        Case{R"([1])", 400, ""}}) {
    auto refused = Patch("/api/integrations/shop", c.body);
    EXPECT_EQ(refused.status, c.status) << c.body << " " << refused.body;
    EXPECT_NE(ErrorMessageOf(refused).find(c.field), std::string::npos) << refused.body;
  }
  EXPECT_EQ(Fetch("PATCH", Url("/api/integrations/shop"), Admin({{"Content-Type", "text/plain"}}),
                  R"({"callback_allowlist": []})")
                .status,
            415);
  EXPECT_EQ(Fetch("PATCH", Url("/api/integrations/shop"), {{"Content-Type", "application/json"}},
                  R"({"callback_allowlist": []})")
                .status,
            401);
  auto missing = Patch("/api/integrations/nobody", R"({"callback_allowlist": []})");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(ErrorCodeOf(missing), "not_found");

  EXPECT_EQ(boost::json::serialize(Json(Get("/api/integrations")).at(0).at("callback_allowlist")),
            R"(["10.0.0.0/8"])");
}

}  // namespace
}  // namespace storybot::test
