// The Bot API client through the fake transport: the request it builds (URL with the token,
// JSON body, trace id) and how each kind of answer is classified for the sender's retry rules.
#include "channels/telegram/bot_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/fake_transport.h"

namespace storybot::telegram {
namespace {

using test::FakeTransport;

TEST(TelegramBotApi, PostsJsonToTheMethodUrl) {
  FakeTransport transport;
  transport.Push(FakeTransport::Answer(200, R"({"ok":true,"result":{"username":"owlbot"}})"));
  BotApi api("http://telegram.test/", "123:SECRET", transport);
  const ApiResult r = api.Call("getMe", {{"x", 1}}, 5000, "trace-1");
  EXPECT_EQ(r.kind, ApiResult::Kind::kOk);
  EXPECT_EQ(r.result.as_object().at("username").as_string(), "owlbot");
  const auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, "http://telegram.test/bot123:SECRET/getMe");
  EXPECT_EQ(requests[0].timeout_ms, 5000);
  EXPECT_EQ(FakeTransport::Header(requests[0], "Content-Type"), "application/json");
  EXPECT_EQ(FakeTransport::Header(requests[0], "X-Trace-Id"), "trace-1");
  EXPECT_EQ(boost::json::parse(requests[0].body), (boost::json::object{{"x", 1}}));
}

TEST(TelegramBotApi, ClassifiesAnswersForTheRetryRules) {
  FakeTransport transport;
  BotApi api("http://telegram.test", "123:SECRET", transport);
  auto call = [&](HttpCallResult answer) {
    transport.Push(std::move(answer));
    return api.Call("sendMessage", {}, 1000);
  };
  ApiResult r = call(FakeTransport::Answer(
      429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":7}})"));
  EXPECT_EQ(r.kind, ApiResult::Kind::kRetryAfter);
  EXPECT_EQ(r.retry_after_s, 7);
  r = call(FakeTransport::Answer(429, "not json"));
  EXPECT_EQ(r.kind, ApiResult::Kind::kRetryAfter);
  EXPECT_EQ(r.retry_after_s, 1);  // no hint: a second
  r = call(FakeTransport::Answer(503, ""));
  EXPECT_EQ(r.kind, ApiResult::Kind::kServerError);
  EXPECT_EQ(r.description, "HTTP 503");
  r = call(FakeTransport::NetworkError("Couldn't connect to server"));
  EXPECT_EQ(r.kind, ApiResult::Kind::kServerError);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.description, "Couldn't connect to server");
  r = call(
      FakeTransport::Answer(403, R"({"ok":false,"description":"Forbidden: bot was blocked"})"));
  EXPECT_EQ(r.kind, ApiResult::Kind::kClientError);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.description, "Forbidden: bot was blocked");
  r = call(FakeTransport::Answer(200, R"({"ok":false,"description":"odd"})"));
  EXPECT_EQ(r.kind, ApiResult::Kind::kClientError);  // a 200 that is not ok is not retried
}

}  // namespace
}  // namespace storybot::telegram
