// Generic webhooks (issue 6) against the real binary: integrations, Standard Webhooks signatures
// in both directions, sync and async answers, callback retries, 410, SSRF, job status.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "channels/webhook/signature.h"
#include "tests/integration/fixture.h"
#include "tests/support/fake_http_server.h"

namespace storybot::test {
namespace {

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class WebhookTest : public StorybotTest {
 protected:
  // Creates an integration and returns its secret.
  std::string CreateIntegration(const std::string& name, const std::string& allowlist = "") {
    const std::string body =
        allowlist.empty()
            ? R"({"name": ")" + name + R"("})"
            : R"({"name": ")" + name + R"(", "callback_allowlist": [")" + allowlist + R"("]})";
    auto created = Post("/api/integrations", body);
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return "";
    return std::string(Json(created).at("secret").as_string());
  }

  HttpResult Signed(const std::string& method, const std::string& path, const std::string& secret,
                    const std::string& id, const std::string& body = "", std::int64_t timestamp = 0,
                    long timeout_ms = 30000) {
    if (timestamp == 0) timestamp = Now();
    const std::string key = webhook::SecretKey(secret).value();
    HeaderList headers{{"webhook-id", id},
                       {"webhook-timestamp", std::to_string(timestamp)},
                       {"webhook-signature", webhook::Sign(key, id, timestamp, body)}};
    if (method == "POST") headers.emplace_back("Content-Type", "application/json");
    return Fetch(method, Url(path), headers, body, timeout_ms);
  }

  HttpResult Deliver(const std::string& name, const std::string& secret, const std::string& id,
                     const std::string& body, std::int64_t timestamp = 0) {
    return Signed("POST", "/webhooks/" + name, secret, id, body, timestamp);
  }

  std::int64_t MessageCount() {
    auto stats = Get("/api/stats");
    return Json(stats).at("messages").as_int64();
  }

  // Checks a callback the way an integrator would: Standard Webhooks headers, within 5 minutes.
  static bool CallbackVerifies(const RecordedRequest& r, const std::string& secret) {
    const std::string key = webhook::SecretKey(secret).value();
    return webhook::Verify({key},
                           {r.Header("webhook-id"), r.Header("webhook-timestamp"),
                            r.Header("webhook-signature")},
                           r.body, Now())
        .ok();
  }
};

TEST_F(WebhookTest, AdminCreatesListsRotatesAndDeletesIntegrations) {
  auto created =
      Post("/api/integrations", R"({"name": "acme", "callback_allowlist": ["10.0.0.0/8"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("location"), "/api/integrations/acme");
  const std::string secret(Json(created).at("secret").as_string());
  EXPECT_TRUE(secret.starts_with("whsec_"));
  const auto key = webhook::SecretKey(secret);
  ASSERT_TRUE(key.ok());
  EXPECT_GE(key.value().size(), 24u);
  EXPECT_LE(key.value().size(), 64u);

  auto list = Get("/api/integrations");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("whsec_"), std::string::npos) << "secrets never listed";
  ASSERT_EQ(Json(list).as_array().size(), 1u);
  EXPECT_EQ(Json(list).as_array()[0].at("name").as_string(), "acme");
  EXPECT_EQ(Json(list).as_array()[0].at("callback_allowlist").as_array()[0].as_string(),
            "10.0.0.0/8");

  EXPECT_EQ(Post("/api/integrations", R"({"name": "acme"})").status, 409);
  for (const char* bad : {R"({"name": "Acme"})", R"({"name": "-x"})", R"({})",
                          R"({"name": "ok", "callback_allowlist": ["not a host"]})",
                          R"({"name": "ok", "extra": 1})"}) {
    auto refused = Post("/api/integrations", bad);
    EXPECT_EQ(refused.status, 400) << bad;
  }
  EXPECT_EQ(Fetch("GET", Url("/api/integrations")).status, 401);

  auto rotated = Post("/api/integrations/acme/rotate", "");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(std::string(Json(rotated).at("secret").as_string()), secret);
  EXPECT_FALSE(Json(rotated).at("previous_secret_expires_at").is_null());
  EXPECT_EQ(Post("/api/integrations/nope/rotate", "").status, 404);

  EXPECT_EQ(Fetch("DELETE", Url("/api/integrations/acme"), Admin()).status, 204);
  EXPECT_EQ(Fetch("DELETE", Url("/api/integrations/acme"), Admin()).status, 404);
  EXPECT_EQ(Deliver("acme", secret, "msg_1", R"({"user_id": "u", "text": "hi"})").status, 404);
}

TEST_F(WebhookTest, SyncRequestGetsTheStoryAndAReplayGetsTheSameOne) {
  const std::string secret = CreateIntegration("shop");
  const std::string body = R"({"user_id": "u1", "text": "dragons", "user_name": "Ada"})";
  auto answer = Deliver("shop", secret, "msg_sync_1", body);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto o = Json(answer).as_object();
  const std::string story(o.at("story").as_string());
  EXPECT_GT(story.size(), 100u);
  EXPECT_EQ(o.at("engine").as_string(), "offline");
  EXPECT_TRUE(o.at("conversation_id").is_int64());
  EXPECT_TRUE(o.contains("prompt_id"));
  const std::int64_t messages = MessageCount();

  auto replay = Deliver("shop", secret, "msg_sync_1", body);
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(Json(replay).at("story").as_string(), story);
  EXPECT_EQ(MessageCount(), messages) << "a replay never writes a second story";
}

TEST_F(WebhookTest, RefusesBadSignaturesStaleAndFutureTimestampsAndStoresNothing) {
  const std::string secret = CreateIntegration("shop");
  const std::string other = webhook::GenerateSecret();
  const std::string body = R"({"user_id": "u1", "text": "hi"})";
  EXPECT_EQ(Deliver("shop", other, "msg_a", body).status, 401);
  EXPECT_EQ(Deliver("shop", secret, "msg_b", body, Now() - 400).status, 401);
  EXPECT_EQ(Deliver("shop", secret, "msg_c", body, Now() + 400).status, 401);
  auto unsigned_ =
      Fetch("POST", Url("/webhooks/shop"), {{"Content-Type", "application/json"}}, body);
  EXPECT_EQ(unsigned_.status, 401);
  EXPECT_EQ(ErrorCodeOf(unsigned_), "unauthenticated");
  // The signature covers the body: a changed body does not verify.
  const std::int64_t ts = Now();
  const std::string key = webhook::SecretKey(secret).value();
  auto tampered = Fetch("POST", Url("/webhooks/shop"),
                        {{"Content-Type", "application/json"},
                         {"webhook-id", "msg_d"},
                         {"webhook-timestamp", std::to_string(ts)},
                         {"webhook-signature", webhook::Sign(key, "msg_d", ts, body)}},
                        R"({"user_id": "u2", "text": "hi"})");
  EXPECT_EQ(tampered.status, 401);
  EXPECT_EQ(Deliver("nobody", secret, "msg_e", body).status, 404);
  EXPECT_EQ(MessageCount(), 0);
  EXPECT_EQ(Json(Get("/api/stats")).at("jobs").at("pending").as_int64(), 0);
}

TEST_F(WebhookTest, InvalidBodiesAre400NamingTheField) {
  const std::string secret = CreateIntegration("shop");
  auto missing = Deliver("shop", secret, "msg_1", R"({"text": "hi"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(ErrorMessageOf(missing).find("user_id"), std::string::npos);
  auto unknown = Deliver("shop", secret, "msg_2", R"({"user_id": "u", "text": "hi", "x": 1})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(ErrorMessageOf(unknown).find("x"), std::string::npos);
  auto vars =
      Deliver("shop", secret, "msg_3", R"({"user_id": "u", "text": "hi", "variables": {"a": 1}})");
  EXPECT_EQ(vars.status, 400);
  EXPECT_NE(ErrorMessageOf(vars).find("variables.a"), std::string::npos);
  auto url = Deliver("shop", secret, "msg_4",
                     R"({"user_id": "u", "text": "hi", "callback_url": "ftp://x.example/"})");
  EXPECT_EQ(url.status, 400);
  EXPECT_NE(ErrorMessageOf(url).find("callback_url"), std::string::npos);
  EXPECT_EQ(MessageCount(), 0);
}

TEST_F(WebhookTest, RotationAcceptsTheOldAndTheNewSecret) {
  const std::string old_secret = CreateIntegration("shop");
  auto rotated = Post("/api/integrations/shop/rotate", "");
  ASSERT_EQ(rotated.status, 200);
  const std::string new_secret(Json(rotated).at("secret").as_string());
  EXPECT_EQ(Deliver("shop", old_secret, "msg_old", R"({"user_id": "u", "text": "a"})").status, 200);
  EXPECT_EQ(Deliver("shop", new_secret, "msg_new", R"({"user_id": "u", "text": "b"})").status, 200);
  EXPECT_EQ(Deliver("shop", webhook::GenerateSecret(), "msg_x", R"({"user_id": "u", "text": "c"})")
                .status,
            401);
}

TEST_F(WebhookTest, AsyncCallbackIsSignedRetriedAfter500AndDeduplicated) {
  FakeHttpServer receiver;
  std::atomic<int> calls{0};
  receiver.On("POST", "/cb", [&calls](const http::ExchangePtr& ex) {
    const int n = ++calls;
    ex->Reply(http::JsonResponse(n == 1 ? 500 : 200, "{}"));
  });
  const std::string secret = CreateIntegration("shop", "127.0.0.1");
  const std::string body = R"({"user_id": "u1", "text": "a story about owls", "callback_url": ")" +
                           receiver.base_url() + R"(/cb"})";
  auto accepted = Deliver("shop", secret, "msg_async_1", body);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::int64_t job_id = Json(accepted).at("job_id").as_int64();
  auto replay = Deliver("shop", secret, "msg_async_1", body);
  ASSERT_EQ(replay.status, 202);
  EXPECT_EQ(Json(replay).at("job_id").as_int64(), job_id);

  ASSERT_TRUE(WaitFor([&] { return receiver.request_count() >= 2; })) << receiver.request_count();
  // Delivered on the second try and nothing scheduled: no third request can follow.
  HttpResult status;
  ASSERT_TRUE(WaitFor([&] {
    status = Signed("GET", "/webhooks/shop/jobs/" + std::to_string(job_id), secret, "msg_status");
    return status.status == 200 && Json(status).as_object().contains("callback") &&
           Json(status).at("callback").at("state").as_string() == "delivered";
  })) << status.body;
  EXPECT_EQ(Json(status).at("callback").at("attempts").as_int64(), 2);
  EXPECT_FALSE(Json(status).at("callback").as_object().contains("next_attempt_at"));
  EXPECT_EQ(JobsIn("pending") + JobsIn("done"), 1);  // the replay made no second story
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u) << "one callback, retried once, never a second story";
  EXPECT_EQ(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_TRUE(CallbackVerifies(requests[1], secret));
  const auto payload = boost::json::parse(requests[1].body).as_object();
  EXPECT_EQ(payload.at("type").as_string(), "story.completed");
  EXPECT_EQ(payload.at("data").at("job_id").as_int64(), job_id);
  EXPECT_EQ(payload.at("data").at("webhook_id").as_string(), "msg_async_1");
  EXPECT_GT(payload.at("data").at("story").as_string().size(), 100u);

  EXPECT_EQ(Json(status).at("status").as_string(), "done");
  EXPECT_EQ(Json(status).at("callback").at("attempts").as_int64(), 2);
  EXPECT_EQ(Json(status).at("story"), payload.at("data").at("story"));
  // The status endpoint is signed like inbound requests, and jobs stay with their integration.
  EXPECT_EQ(Signed("GET", "/webhooks/shop/jobs/" + std::to_string(job_id),
                   webhook::GenerateSecret(), "msg_s2")
                .status,
            401);
  const std::string other = CreateIntegration("other");
  EXPECT_EQ(Signed("GET", "/webhooks/other/jobs/" + std::to_string(job_id), other, "msg_s3").status,
            404);
}

TEST_F(WebhookTest, Callback410DisablesIt) {
  FakeHttpServer receiver;
  receiver.On("POST", "/gone",
              [](const http::ExchangePtr& ex) { ex->Reply(http::JsonResponse(410, "{}")); });
  const std::string secret = CreateIntegration("shop", "127.0.0.1");
  auto accepted = Deliver(
      "shop", secret, "msg_gone",
      R"({"user_id": "u1", "text": "hi", "callback_url": ")" + receiver.base_url() + R"(/gone"})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::int64_t job_id = Json(accepted).at("job_id").as_int64();
  HttpResult status;
  ASSERT_TRUE(WaitFor([&] {
    status = Signed("GET", "/webhooks/shop/jobs/" + std::to_string(job_id), secret, "msg_st");
    return status.status == 200 && Json(status).as_object().contains("callback") &&
           Json(status).at("callback").at("state").as_string() != "pending";
  })) << status.body;
  EXPECT_EQ(Json(status).at("callback").at("state").as_string(), "disabled");
  EXPECT_EQ(Json(status).at("callback").at("last_status").as_int64(), 410);
  // Disabled after one try, and no retry scheduled (the outbox row says so).
  EXPECT_EQ(Json(status).at("callback").at("attempts").as_int64(), 1);
  EXPECT_FALSE(Json(status).at("callback").as_object().contains("next_attempt_at"));
  EXPECT_EQ(receiver.request_count(), 1u);
}

TEST_F(WebhookTest, CallbackToLoopbackIsRefusedWithoutAnAllowlist) {
  FakeHttpServer receiver;
  const std::string secret = CreateIntegration("shop");
  for (const std::string& url :
       {receiver.base_url() + "/cb", std::string("http://localhost:9/cb"),
        std::string("http://169.254.169.254/latest"), std::string("http://[::1]:9/cb"),
        std::string("http://10.1.2.3/cb")}) {
    auto refused = Deliver("shop", secret, "msg_" + std::to_string(std::hash<std::string>{}(url)),
                           R"({"user_id": "u1", "text": "hi", "callback_url": ")" + url + R"("})");
    EXPECT_EQ(refused.status, 400) << url << " " << refused.body;
    EXPECT_NE(ErrorMessageOf(refused).find("callback_url"), std::string::npos);
  }
  EXPECT_EQ(MessageCount(), 0);
  EXPECT_EQ(receiver.request_count(), 0u);
}

class WebhookNoWaitTest : public WebhookTest {
 protected:
  void SetUp() override { StartStorybot({{"STORYBOT_WEBHOOK_SYNC_TIMEOUT_S", "0"}}); }
};

TEST_F(WebhookNoWaitTest, PastTheSyncTimeoutA202PointsToTheJobStatus) {
  const std::string secret = CreateIntegration("shop");
  auto accepted = Deliver("shop", secret, "msg_poll", R"({"user_id": "u1", "text": "owls"})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string status_url(Json(accepted).at("status_url").as_string());
  EXPECT_EQ(status_url,
            "/webhooks/shop/jobs/" + std::to_string(Json(accepted).at("job_id").as_int64()));
  HttpResult status;
  ASSERT_TRUE(WaitFor([&] {
    status = Signed("GET", status_url, secret, "msg_q");
    return status.status == 200 && Json(status).at("status").as_string() == "done";
  })) << status.body;
  EXPECT_GT(Json(status).at("story").as_string().size(), 100u);
  EXPECT_FALSE(Json(status).as_object().contains("callback"));
  EXPECT_EQ(Signed("GET", "/webhooks/shop/jobs/999999", secret, "msg_r").status, 404);
}

TEST_F(WebhookTest, PendingCallbackResumesAfterARestartAndIsDeliveredOnce) {
  FakeHttpServer receiver;
  std::atomic<bool> up{false};
  std::atomic<int> delivered{0};
  receiver.On("POST", "/cb", [&](const http::ExchangePtr& ex) {
    if (!up) return ex->Reply(http::JsonResponse(503, "{}"));
    ++delivered;
    ex->Reply(http::JsonResponse(200, "{}"));
  });
  const std::string secret = CreateIntegration("shop", "127.0.0.1");
  auto accepted = Deliver(
      "shop", secret, "msg_restart",
      R"({"user_id": "u1", "text": "owls", "callback_url": ")" + receiver.base_url() + R"(/cb"})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::int64_t job_id = Json(accepted).at("job_id").as_int64();
  ASSERT_TRUE(WaitFor([&] { return receiver.request_count() >= 1; }));
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  {
    SQLite::Database db(dir_.path() + "/data/storybot.db");
    ASSERT_EQ(db.execAndGet("SELECT state FROM webhook_callbacks").getString(), "pending")
        << "stopped while the callback was pending";
  }
  const std::size_t failed = receiver.request_count();
  up = true;
  StartStorybot();
  HttpResult status;
  ASSERT_TRUE(WaitFor([&] {
    status = Signed("GET", "/webhooks/shop/jobs/" + std::to_string(job_id), secret, "msg_st1");
    return status.status == 200 && Json(status).at("callback").at("state").as_string() != "pending";
  })) << status.body;
  EXPECT_EQ(Json(status).at("callback").at("state").as_string(), "delivered");
  EXPECT_EQ(Json(status).at("callback").at("attempts").as_int64(),
            static_cast<std::int64_t>(failed) + 1);
  EXPECT_FALSE(Json(status).at("callback").as_object().contains("next_attempt_at"));  // no more
  EXPECT_EQ(delivered, 1);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), failed + 1);
  for (const auto& r : requests) {
    EXPECT_EQ(r.Header("webhook-id"), requests[0].Header("webhook-id"));
    EXPECT_EQ(r.body, requests[0].body);
  }
  EXPECT_TRUE(CallbackVerifies(requests.back(), secret));
}

// The retry window ends while storybot is down (the row's give_up_at is moved into the past
// instead of waiting a day): the next start marks it expired and sends nothing more.
TEST_F(WebhookTest, ACallbackWhoseWindowEndedWhileStoppedExpiresAtStart) {
  FakeHttpServer receiver;
  receiver.On("POST", "/cb",
              [&](const http::ExchangePtr& ex) { ex->Reply(http::JsonResponse(503, "{}")); });
  const std::string secret = CreateIntegration("shop", "127.0.0.1");
  auto accepted = Deliver(
      "shop", secret, "msg_late",
      R"({"user_id": "u1", "text": "owls", "callback_url": ")" + receiver.base_url() + R"(/cb"})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::int64_t job_id = Json(accepted).at("job_id").as_int64();
  ASSERT_TRUE(WaitFor([&] { return receiver.request_count() >= 1; }));
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  {
    SQLite::Database db(dir_.path() + "/data/storybot.db", SQLite::OPEN_READWRITE);
    ASSERT_EQ(db.execAndGet("SELECT state FROM webhook_callbacks").getString(), "pending");
    db.exec("UPDATE webhook_callbacks SET give_up_at = strftime('%s','now') - 1");
  }
  const std::size_t before = receiver.request_count();
  StartStorybot();
  HttpResult status;
  ASSERT_TRUE(WaitFor([&] {
    status = Signed("GET", "/webhooks/shop/jobs/" + std::to_string(job_id), secret, "msg_st3");
    return status.status == 200 && Json(status).at("callback").at("state").as_string() != "pending";
  })) << status.body;
  EXPECT_EQ(Json(status).at("callback").at("state").as_string(), "expired");
  EXPECT_EQ(receiver.request_count(), before) << "an attempt after the window";
}

// STORYBOT_WEBHOOK_CALLBACK_RETRY_S=3: the first retry (2 s ± 20 %) falls inside the window, the
// second (4 s more) after it.
class WebhookShortWindowTest : public WebhookTest {
 protected:
  void SetUp() override { StartStorybot({{"STORYBOT_WEBHOOK_CALLBACK_RETRY_S", "3"}}); }
};

TEST_F(WebhookShortWindowTest, AlwaysFailingCallbackExpiresAfterTheWindow) {
  FakeHttpServer receiver;
  std::mutex mutex;
  std::vector<std::chrono::system_clock::time_point> attempts;
  receiver.On("POST", "/cb", [&](const http::ExchangePtr& ex) {
    {
      std::lock_guard lock(mutex);
      attempts.push_back(std::chrono::system_clock::now());
    }
    ex->Reply(http::JsonResponse(500, "{}"));
  });
  const std::string secret = CreateIntegration("shop", "127.0.0.1");
  const std::int64_t submitted = Now();
  auto accepted = Deliver(
      "shop", secret, "msg_expire",
      R"({"user_id": "u1", "text": "owls", "callback_url": ")" + receiver.base_url() + R"(/cb"})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::int64_t job_id = Json(accepted).at("job_id").as_int64();
  HttpResult status;
  ASSERT_TRUE(WaitFor([&] {
    status = Signed("GET", "/webhooks/shop/jobs/" + std::to_string(job_id), secret, "msg_st2");
    return status.status == 200 && Json(status).as_object().contains("callback") &&
           Json(status).at("callback").at("state").as_string() != "pending";
  })) << status.body;
  const auto callback = Json(status).at("callback").as_object();
  EXPECT_EQ(callback.at("state").as_string(), "expired");
  EXPECT_EQ(callback.at("last_status").as_int64(), 500);
  EXPECT_FALSE(callback.contains("next_attempt_at"));
  EXPECT_EQ(Json(status).at("status").as_string(), "done");  // the story itself was written
  // Retried inside the window (3 s, plus 1 s for whole seconds and 1 s for the story), then no
  // more: expired, with no next attempt scheduled (checked above), and every attempt the
  // receiver saw is counted in the row.
  std::lock_guard lock(mutex);
  EXPECT_GE(attempts.size(), 2u) << "the failure was retried inside the window";
  EXPECT_EQ(callback.at("attempts").as_int64(), static_cast<std::int64_t>(attempts.size()));
  const auto window_end =
      std::chrono::system_clock::time_point(std::chrono::seconds(submitted + 5));
  for (const auto& at : attempts) EXPECT_LT(at, window_end) << "an attempt after the window";
}

}  // namespace
}  // namespace storybot::test
