// Who calls /webhooks/{integration}: an unknown integration is 404, a bad or stale signature
// 401, a good one (by the current or, during a rotation, the previous secret) passes. The time
// comes from the clock, so a FakeClock moves a signature out of its tolerance.
#include "channels/webhook/request_auth.h"

#include <gtest/gtest.h>

#include "channels/webhook/signature.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/channels/webhook/fake_integration_store.h"

namespace storybot::webhook {
namespace {

class WebhookRequestAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Integration acme;
    acme.name = "acme";
    acme.secret = GenerateSecret();
    store_.integrations["acme"] = acme;
    ASSERT_TRUE(registry_.Load().ok());
  }

  // The status answered (0: none, the request passed) for a request signed with `secret` at
  // `signed_at`.
  int StatusOf(const std::string& integration, const std::string& secret, std::int64_t signed_at,
               std::string_view body = R"({"user_id":"u1","text":"hi"})") {
    http::Request rq;
    rq.body = std::string(body);
    const std::string key = SecretKey(secret).value();
    rq.headers = {{"webhook-id", "m1"},
                  {"webhook-timestamp", std::to_string(signed_at)},
                  {"webhook-signature", Sign(key, "m1", signed_at, body)}};
    int status = 0;
    auto ex =
        std::make_shared<http::Exchange>(rq, [&status](http::Response r) { status = r.status; });
    ex->params["integration"] = integration;
    const std::optional<Integration> who =
        AuthenticateRequest(ex, rq.body, registry_, *logger_, clock_);
    EXPECT_EQ(who.has_value(), status == 0);
    return status;
  }

  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  test::FakeIntegrationStore store_;
  IntegrationRegistry registry_{store_};
  test::FakeClock clock_;
};

TEST_F(WebhookRequestAuthTest, AGoodSignaturePasses) {
  EXPECT_EQ(StatusOf("acme", store_.integrations["acme"].secret, clock_.UnixSeconds()), 0);
}

TEST_F(WebhookRequestAuthTest, AnUnknownIntegrationIs404) {
  EXPECT_EQ(StatusOf("nobody", store_.integrations["acme"].secret, clock_.UnixSeconds()), 404);
}

TEST_F(WebhookRequestAuthTest, AnotherSecretIs401) {
  EXPECT_EQ(StatusOf("acme", GenerateSecret(), clock_.UnixSeconds()), 401);
}

TEST_F(WebhookRequestAuthTest, ASignatureOutsideTheToleranceIs401) {
  const std::int64_t signed_at = clock_.UnixSeconds();
  clock_.Advance(std::chrono::seconds(kDefaultToleranceS + 1));
  EXPECT_EQ(StatusOf("acme", store_.integrations["acme"].secret, signed_at), 401);
}

TEST_F(WebhookRequestAuthTest, ThePreviousSecretPassesUntilItsGraceEnds) {
  Integration& acme = store_.integrations["acme"];
  const std::string old_secret = acme.secret;
  acme.previous_secret = old_secret;
  acme.secret = GenerateSecret();
  acme.previous_expires_at = clock_.UnixSeconds() + 60;
  ASSERT_TRUE(registry_.Load().ok());
  EXPECT_EQ(StatusOf("acme", old_secret, clock_.UnixSeconds()), 0);
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(StatusOf("acme", old_secret, clock_.UnixSeconds()), 401);
  EXPECT_EQ(StatusOf("acme", acme.secret, clock_.UnixSeconds()), 0);
}

}  // namespace
}  // namespace storybot::webhook
