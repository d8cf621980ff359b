#include "http/middleware.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "tests/support/storybot_process.h"

namespace storybot::http {
namespace {

constexpr const char* kToken = "admin-token-for-tests";

// A pipeline like the server's, with a console-less logger, answering into `sent`.
class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() : metrics_("test") {
    auto logger = Logger::Open({"", LogLevel::kError, false});
    logger_ = logger.value();
    router_.Add("GET", "/api/prompts", Auth::kAdmin,
                [](const ExchangePtr& ex) { ex->Reply(JsonResponse(200, "[]")); });
    router_.Add("GET", "/healthz", Auth::kNone,
                [](const ExchangePtr& ex) { ex->Reply(JsonResponse(200, "{}")); });
    router_.Add("GET", "/boom", Auth::kNone,
                [](const ExchangePtr&) { throw std::runtime_error("secret internals"); });
    pipeline_ = std::make_unique<Pipeline>(
        std::vector<Middleware>{TraceIdMiddleware(), ObservabilityMiddleware(*logger_, metrics_),
                                CorsMiddleware({"http://localhost:5173"})},
        Dispatcher(router_, kToken, *logger_));
  }

  Response Send(std::string method, std::string path, Headers headers = {}) {
    Request request;
    request.method = std::move(method);
    request.path = path;
    request.target = path;
    request.headers = std::move(headers);
    Response out;
    auto ex = std::make_shared<Exchange>(std::move(request), [&out](Response r) { out = r; });
    pipeline_->Handle(ex);
    return out;
  }

  Metrics metrics_;
  std::shared_ptr<Logger> logger_;
  Router router_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST(TraceIdTest, Validation) {
  EXPECT_TRUE(IsValidTraceId("abc-DEF_123"));
  EXPECT_TRUE(IsValidTraceId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidTraceId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidTraceId(""));
  EXPECT_FALSE(IsValidTraceId("has space"));
  EXPECT_FALSE(IsValidTraceId("semi;colon"));
  const std::string id = NewTraceId();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(NewTraceId(), NewTraceId());
}

TEST_F(PipelineTest, EchoesAValidTraceIdAndReplacesAnInvalidOne) {
  EXPECT_EQ(Send("GET", "/healthz", {{"X-Trace-Id", "my-trace_1"}}).Header("X-Trace-Id"),
            "my-trace_1");
  const Response r = Send("GET", "/healthz", {{"X-Trace-Id", "bad id!"}});
  EXPECT_EQ(r.Header("X-Trace-Id").size(), 32u);
  EXPECT_EQ(Send("GET", "/healthz").Header("X-Trace-Id").size(), 32u);
}

TEST_F(PipelineTest, ErrorBodiesCarryTheTraceId) {
  const Response r = Send("GET", "/nowhere", {{"X-Trace-Id", "t-404"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(boost::json::parse(r.body).at("trace_id").as_string(), "t-404");
}

TEST_F(PipelineTest, AdminRoutesNeedTheBearerToken) {
  EXPECT_EQ(Send("GET", "/api/prompts").status, 401);
  EXPECT_EQ(Send("GET", "/api/prompts", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(Send("GET", "/api/prompts", {{"Authorization", kToken}}).status, 401);
  EXPECT_EQ(Send("GET", "/api/prompts", {{"Authorization", std::string("Basic ") + kToken}}).status,
            401);
  EXPECT_EQ(
      Send("GET", "/api/prompts", {{"Authorization", std::string("Bearer ") + kToken}}).status,
      200);
  EXPECT_EQ(
      Send("GET", "/api/prompts", {{"Authorization", std::string("bearer ") + kToken}}).status,
      200);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);  // public
}

TEST(AuthTest, ComparesWholeToken) {
  EXPECT_TRUE(IsAuthorized("Bearer abc", "abc"));
  EXPECT_FALSE(IsAuthorized("Bearer abcd", "abc"));
  EXPECT_FALSE(IsAuthorized("Bearer ab", "abc"));
  EXPECT_FALSE(IsAuthorized("Bearer ", "abc"));
  EXPECT_FALSE(IsAuthorized("", "abc"));
}

TEST_F(PipelineTest, CorsPreflightForAnAllowedOrigin) {
  const Response r = Send("OPTIONS", "/api/prompts",
                          {{"Origin", "http://localhost:5173"},
                           {"Access-Control-Request-Method", "POST"},
                           {"Access-Control-Request-Headers", "authorization, content-type"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  const std::string allowed(r.Header("Access-Control-Allow-Headers"));
  for (const char* h : {"Authorization", "Content-Type", "X-Trace-Id"}) {
    EXPECT_NE(allowed.find(h), std::string::npos) << h;
  }
  EXPECT_EQ(r.Header("Access-Control-Max-Age"), "3600");
  EXPECT_EQ(r.Header("Vary"), "Origin");
}

TEST_F(PipelineTest, CorsGivesOtherOriginsNoAllowHeaders) {
  for (const Response& r :
       {Send("OPTIONS", "/api/prompts",
             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}}),
        Send("GET", "/api/prompts",
             {{"Origin", "https://evil.example"},
              {"Authorization", std::string("Bearer ") + kToken}})}) {
    for (const auto& [name, value] : r.headers) {
      EXPECT_NE(name.rfind("Access-Control-Allow-", 0), 0u) << name;
    }
  }
}

TEST_F(PipelineTest, CorsOnActualRequestsFromAnAllowedOrigin) {
  const Response r = Send(
      "GET", "/api/prompts",
      {{"Origin", "http://localhost:5173"}, {"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_NE(std::string(r.Header("Access-Control-Expose-Headers")).find("X-Trace-Id"),
            std::string::npos);
  // Even a 401 carries CORS headers, so the browser can show the error.
  EXPECT_EQ(Send("GET", "/api/prompts", {{"Origin", "http://localhost:5173"}})
                .Header("Access-Control-Allow-Origin"),
            "http://localhost:5173");
}

TEST_F(PipelineTest, MethodNotAllowedListsAllow) {
  const Response r = Send("DELETE", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
}

TEST_F(PipelineTest, HandlerExceptionsBecomeA500WithoutInternals) {
  const Response r = Send("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret internals"), std::string::npos);
}

TEST_F(PipelineTest, MetricsUseTheRoutePatternNotThePath) {
  Send("GET", "/api/prompts", {{"Authorization", std::string("Bearer ") + kToken}});
  Send("GET", "/no/such/path/123");
  const std::string text = metrics_.Render();
  EXPECT_NE(
      text.find(
          R"(storybot_http_requests_total{method="GET",route="/api/prompts",status="200"} 1)"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("/no/such/path/123"), std::string::npos);
  EXPECT_NE(text.find(R"(route="unmatched",status="404")"), std::string::npos);
}

// A 5xx from a store error: the body stays generic, the log line names the cause and the trace.
TEST(ObservabilityTest, AStorageErrorBehindA503IsLoggedWithItsTraceId) {
  test::TempDir dir;
  auto logger = Logger::Open({dir.path(), LogLevel::kInfo, false}).value();
  Metrics metrics("test");
  Router router;
  router.Add("POST", "/full", Auth::kNone, [](const ExchangePtr& ex) {
    ReplyError(ex, Unavailable("database commit failed: database or disk is full"));
  });
  Pipeline pipeline({TraceIdMiddleware(), ObservabilityMiddleware(*logger, metrics)},
                    Dispatcher(router, kToken, *logger));
  Request request;
  request.method = "POST";
  request.path = request.target = "/full";
  request.headers = {{"X-Trace-Id", "trace-disk-full"}};
  Response out;
  pipeline.Handle(
      std::make_shared<Exchange>(std::move(request), [&out](Response r) { out = std::move(r); }));
  EXPECT_EQ(out.status, 503);
  EXPECT_EQ(out.body.find("disk is full"), std::string::npos);
  logger->Flush();
  std::ifstream file(dir.File("storybot.ndjson"));
  bool found = false;
  for (std::string line; std::getline(file, line);) {
    const auto o = boost::json::parse(line).as_object();
    if (o.contains("error.message") && o.at("trace.id") == "trace-disk-full") {
      EXPECT_EQ(o.at("error.message"), "database commit failed: database or disk is full");
      EXPECT_EQ(o.at("log.level"), "error");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace storybot::http

namespace storybot::http {
namespace {

const AdminIdentity kViewer{"vera", AdminRole::kViewer};
const AdminIdentity kEditor{"ed", AdminRole::kEditor};

TEST(DecideAccessTest, RoleTimesMethodTimesRouteLevel) {
  const AccessDecision allow = AccessDecision::kAllow;
  const AccessDecision forbid = AccessDecision::kForbidden;
  const AccessDecision no_one = AccessDecision::kUnauthenticated;
  for (const char* method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
    const bool reads = std::string_view(method) == "GET" || std::string_view(method) == "HEAD";
    EXPECT_EQ(DecideAccess(Auth::kNone, method, std::nullopt), allow) << method;
    EXPECT_EQ(DecideAccess(Auth::kAdmin, method, std::nullopt), no_one) << method;
    EXPECT_EQ(DecideAccess(Auth::kAdminRead, method, std::nullopt), no_one) << method;
    EXPECT_EQ(DecideAccess(Auth::kAdmin, method, kEditor), allow) << method;
    EXPECT_EQ(DecideAccess(Auth::kAdminRead, method, kEditor), allow) << method;
    EXPECT_EQ(DecideAccess(Auth::kAdmin, method, kViewer), reads ? allow : forbid) << method;
    EXPECT_EQ(DecideAccess(Auth::kAdminRead, method, kViewer), allow) << method;
  }
}

TEST(BearerTokenTest, TakesTheTokenAfterACaseInsensitiveScheme) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bEARER abc"), "abc");
  EXPECT_EQ(BearerToken("Bearer "), "");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken(""), "");
}

// A viewer's write is a JSON 403 with the trace id, and the handler never runs.
TEST(DispatcherRolesTest, AViewerGetsA403JsonErrorOnWrites) {
  auto logger = Logger::Open({"", LogLevel::kError, false}).value();
  Router router;
  int writes = 0;
  router.Add("GET", "/api/things", Auth::kAdmin,
             [](const ExchangePtr& ex) { ex->Reply(JsonResponse(200, "[]")); });
  router.Add("POST", "/api/things", Auth::kAdmin, [&writes](const ExchangePtr& ex) {
    ++writes;
    ex->Reply(JsonResponse(201, "{}"));
  });
  AdminAccess access;
  access.authenticate = [](std::string_view token) -> std::optional<AdminIdentity> {
    if (token == "v") return kViewer;
    if (token == "e") return kEditor;
    return std::nullopt;
  };
  Pipeline pipeline({TraceIdMiddleware()}, Dispatcher(router, std::move(access), *logger));
  auto send = [&](std::string method, std::string token) {
    Request request;
    request.method = std::move(method);
    request.path = request.target = "/api/things";
    request.headers = {{"Authorization", "Bearer " + token}, {"X-Trace-Id", "t-roles"}};
    Response out;
    pipeline.Handle(
        std::make_shared<Exchange>(std::move(request), [&out](Response r) { out = std::move(r); }));
    return out;
  };
  EXPECT_EQ(send("GET", "v").status, 200);
  const Response denied = send("POST", "v");
  EXPECT_EQ(denied.status, 403);
  const auto body = boost::json::parse(denied.body);
  EXPECT_EQ(body.at("error").at("code"), "forbidden");
  EXPECT_EQ(body.at("trace_id"), "t-roles");
  EXPECT_EQ(writes, 0);
  EXPECT_EQ(send("POST", "e").status, 201);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(send("POST", "x").status, 401);
}

}  // namespace
}  // namespace storybot::http
