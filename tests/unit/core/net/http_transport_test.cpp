// The libcurl transport against a fake HTTP server on 127.0.0.1: the asynchronous Start(), the
// options the webhook callbacks' SSRF rules rely on (name pins, no redirects, a capped body),
// the error classes clients retry on, and a shutdown that answers calls still in flight.
#include "core/net/http_transport.h"

#include <gtest/gtest.h>

#include <future>

#include "tests/support/fake_http_server.h"
#include "tests/support/wait_for.h"

namespace storybot {
namespace {

using test::WaitFor;

using namespace std::chrono_literals;
using test::FakeHttpServer;

// Start()s `call` and waits (bounded) for its answer.
HttpCallResult StartAndWait(HttpTransport& transport, HttpCall call) {
  auto promise = std::make_shared<std::promise<HttpCallResult>>();
  auto future = promise->get_future();
  transport.Start(std::move(call), [promise](HttpCallResult r) { promise->set_value(r); });
  if (future.wait_for(10s) != std::future_status::ready) {
    ADD_FAILURE() << "no answer within 10 s";
    return {};
  }
  return future.get();
}

TEST(CurlTransport, StartSendsTheCallAndAnswersLater) {
  FakeHttpServer server;
  server.On("POST", "/echo", [](const http::ExchangePtr& ex) {
    http::Response response = http::JsonResponse(201, R"({"ok":true})");
    response.Set("X-Answer", "42");
    ex->Reply(std::move(response));
  });
  CurlTransport transport;
  HttpCall call;
  call.url = server.base_url() + "/echo";
  call.headers = {{"Content-Type", "application/json"}, {"X-Trace-Id", "t-1"}};
  call.body = R"({"hello":"world"})";
  call.user_agent = "storybot-test";
  const HttpCallResult r = StartAndWait(transport, call);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(r.Header("x-answer"), "42");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, call.body);
  EXPECT_EQ(requests[0].Header("X-Trace-Id"), "t-1");
  EXPECT_EQ(requests[0].Header("User-Agent"), "storybot-test");
  EXPECT_EQ(transport.Call(call).status, 201);  // the blocking form, same answer
}

TEST(CurlTransport, ResolvePinsTheNameWithoutALookup) {
  FakeHttpServer server;
  server.On("POST", "/hook", [](const http::ExchangePtr& ex) { ex->Reply({204, {}, ""}); });
  HttpCall call;
  const std::string port = std::to_string(server.port());
  call.url = "http://callback.invalid:" + port + "/hook";  // .invalid never resolves
  call.resolve = {"callback.invalid:" + port + ":127.0.0.1"};
  call.no_proxy = true;
  EXPECT_EQ(HttpTransport::Real().Call(call).status, 204);
  call.resolve.clear();
  const HttpCallResult unpinned = HttpTransport::Real().Call(call);
  EXPECT_EQ(unpinned.status, 0);
  EXPECT_TRUE(unpinned.retryable);  // a failed lookup may work next time
}

TEST(CurlTransport, RedirectsAreAnswersNotFollowed) {
  FakeHttpServer server;
  server.On("POST", "/moved", [](const http::ExchangePtr& ex) {
    http::Response response{302, {}, ""};
    response.Set("Location", "/elsewhere");
    ex->Reply(std::move(response));
  });
  HttpCall call;
  call.url = server.base_url() + "/moved";
  EXPECT_EQ(HttpTransport::Real().Call(call).status, 302);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(CurlTransport, TheBodyCapFailsOrTruncates) {
  FakeHttpServer server;
  server.On("POST", "/big", [](const http::ExchangePtr& ex) {
    ex->Reply({200, {}, std::string(100000, 'x')});
  });
  HttpCall call;
  call.url = server.base_url() + "/big";
  call.max_response_bytes = 1000;
  const HttpCallResult failed = HttpTransport::Real().Call(call);
  EXPECT_EQ(failed.status, 0);
  EXPECT_TRUE(failed.too_large);
  EXPECT_FALSE(failed.retryable);
  call.truncate_body = true;
  const HttpCallResult cut = HttpTransport::Real().Call(call);
  EXPECT_EQ(cut.status, 200);
  EXPECT_EQ(cut.body, std::string(1000, 'x'));
}

TEST(CurlTransport, RefusedConnectionsAreRetryableAndNameNoPath) {
  std::string url;
  {
    FakeHttpServer closed;  // a port that was just free
    url = closed.base_url() + "/bot123:SECRET/getMe";
  }
  HttpCall call;
  call.url = url;
  const HttpCallResult r = HttpTransport::Real().Call(call);
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.retryable);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(r.error.find("SECRET"), std::string::npos);
  EXPECT_EQ(r.detail.find("SECRET"), std::string::npos);
}

TEST(CurlTransport, DestructionAnswersCallsInFlight) {
  FakeHttpServer server;
  server.On("POST", "/slow", [&server](const http::ExchangePtr& ex) {
    server.ReplyAfter(ex, 30s, {200, {}, "late"});
  });
  auto promise = std::make_shared<std::promise<HttpCallResult>>();
  auto future = promise->get_future();
  {
    CurlTransport transport;
    HttpCall call;
    call.url = server.base_url() + "/slow";
    transport.Start(call, [promise](HttpCallResult r) { promise->set_value(r); });
    ASSERT_TRUE(WaitFor([&] { return server.request_count() > 0; }, 2s, 1ms));
  }
  ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
  const HttpCallResult r = future.get();
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "the HTTP client is stopping");
}

}  // namespace
}  // namespace storybot
