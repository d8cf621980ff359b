// The Discord HTTP client (channels/discord/rest_api.cpp) on a scripted transport: the routes,
// methods and headers it sends, and how each answer is classified.
#include "channels/discord/rest_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/fake_transport.h"

namespace storybot::discord {
namespace {

using test::FakeTransport;
using namespace std::chrono_literals;

const ReplyContext kTo{"1100", "tok-en.1", "77", 0};

TEST(DiscordRestApi, EditsTheOriginalResponseAndSendsFollowUps) {
  FakeTransport transport;
  DiscordApi api("http://127.0.0.1:9/api/v10/", transport);
  EXPECT_EQ(api.EditOriginal(kTo, "first", "trace-1").outcome, SendOutcome::kSent);
  EXPECT_EQ(api.CreateFollowup(kTo, "second", "trace-1").outcome, SendOutcome::kSent);
  const auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].url,
            "http://127.0.0.1:9/api/v10/webhooks/1100/tok-en.1/messages/@original");
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].url, "http://127.0.0.1:9/api/v10/webhooks/1100/tok-en.1");
  for (const auto& r : requests) {
    EXPECT_EQ(FakeTransport::Header(r, "Content-Type"), "application/json");
    EXPECT_EQ(FakeTransport::Header(r, "Authorization"), "");  // the token in the URL suffices
    EXPECT_EQ(FakeTransport::Header(r, "X-Trace-Id"), "trace-1");
    EXPECT_EQ(r.user_agent.rfind("DiscordBot (", 0), 0u);
  }
  const auto body = boost::json::parse(requests[0].body).as_object();
  EXPECT_EQ(body.at("content").as_string(), "first");
  EXPECT_TRUE(body.at("allowed_mentions").at("parse").as_array().empty());
}

TEST(DiscordRestApi, RegistersCommandsWithTheBotToken) {
  FakeTransport transport;
  DiscordApi api("https://discord.example/api/v10", transport);
  EXPECT_EQ(api.RegisterCommands("1100", "bot-secret", "[]").outcome, SendOutcome::kSent);
  const auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "https://discord.example/api/v10/applications/1100/commands");
  EXPECT_EQ(FakeTransport::Header(requests[0], "Authorization"), "Bot bot-secret");
  EXPECT_EQ(requests[0].body, "[]");
}

TEST(DiscordRestApi, ClassifiesAnswers) {
  auto classify = [](long status, std::string body = "",
                     std::map<std::string, std::string> headers = {}) {
    return ClassifyResponse(FakeTransport::Answer(status, std::move(body), std::move(headers)));
  };
  EXPECT_EQ(classify(200).outcome, SendOutcome::kSent);
  EXPECT_EQ(classify(204).outcome, SendOutcome::kSent);
  EXPECT_EQ(classify(500).outcome, SendOutcome::kRetry);
  EXPECT_EQ(classify(502).outcome, SendOutcome::kRetry);
  EXPECT_EQ(ClassifyResponse(FakeTransport::NetworkError()).outcome, SendOutcome::kRetry);
  for (long status : {400L, 401L, 403L, 404L}) {
    EXPECT_EQ(classify(status).outcome, SendOutcome::kPermanent) << status;
  }
  const ApiOutcome unknown = classify(404, R"({"message":"Unknown Webhook","code":10015})");
  EXPECT_EQ(unknown.error, "discord HTTP 404: Unknown Webhook (10015)");
  EXPECT_EQ(classify(401, "not json").error, "discord HTTP 401");
}

TEST(DiscordRestApi, ReadsRateLimits) {
  // retry_after from the JSON body, seconds with fractions, rounded up to the millisecond.
  ApiOutcome limited = ClassifyResponse(FakeTransport::Answer(
      429, R"({"message":"You are being rate limited.","retry_after":1.2345,"global":false})",
      {{"retry-after", "2"}}));
  EXPECT_EQ(limited.outcome, SendOutcome::kRetry);
  EXPECT_EQ(limited.retry_after, 1235ms);
  EXPECT_FALSE(limited.global);
  // Global, and a whole number.
  limited = ClassifyResponse(FakeTransport::Answer(429, R"({"retry_after":3,"global":true})"));
  EXPECT_EQ(limited.retry_after, 3000ms);
  EXPECT_TRUE(limited.global);
  // No body: the Retry-After header; nothing at all: 1 s.
  EXPECT_EQ(ClassifyResponse(FakeTransport::Answer(429, "", {{"retry-after", "4"}})).retry_after,
            4000ms);
  EXPECT_EQ(ClassifyResponse(FakeTransport::Answer(429, "")).retry_after, 1000ms);
  EXPECT_EQ(ClassifyResponse(FakeTransport::Answer(429, R"({"retry_after":-1})")).retry_after,
            1000ms);

  // The bucket's headers on any answer.
  const ApiOutcome spent = ClassifyResponse(FakeTransport::Answer(
      200, "{}", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset-after", "0.75"}}));
  ASSERT_TRUE(spent.remaining.has_value());
  EXPECT_EQ(*spent.remaining, 0);
  EXPECT_EQ(spent.reset_after, 750ms);
  EXPECT_FALSE(ClassifyResponse(FakeTransport::Answer(200, "{}")).remaining.has_value());
}

}  // namespace
}  // namespace storybot::discord
