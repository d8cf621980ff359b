// HTTP server behaviour over real sockets: routing errors, limits, keep-alive, graceful shutdown,
// CORS, the admin panel's static files.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/fixture.h"
#include "tests/support/raw_connection.h"

namespace storybot::test {
namespace {

using ServerTest = StorybotTest;

TEST_F(ServerTest, HealthAndReadiness) {
  auto health = Fetch("GET", Url("/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Json(health).at("status").as_string(), "ok");
  auto ready = Fetch("GET", Url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(Json(ready).at("checks").at("database").as_string(), "ok");
}

TEST_F(ServerTest, UnknownRouteAndWrongMethod) {
  auto missing = Fetch("GET", Url("/no/such/thing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCodeOf(missing), "not_found");
  auto wrong = Fetch("PATCH", Url("/api/prompts"), Admin());
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "GET, POST, HEAD");
  EXPECT_EQ(ErrorCodeOf(wrong), "method_not_allowed");
  EXPECT_EQ(Fetch("DELETE", Url("/healthz")).Header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadAnswersWithoutABody) {
  auto head = Fetch("HEAD", Url("/healthz"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(ServerTest, TraceIdIsEchoedOrGenerated) {
  EXPECT_EQ(Fetch("GET", Url("/healthz"), {{"X-Trace-Id", "abc_DEF-123"}}).Header("x-trace-id"),
            "abc_DEF-123");
  const std::string generated =
      Fetch("GET", Url("/healthz"), {{"X-Trace-Id", std::string(65, 'a')}}).Header("x-trace-id");
  EXPECT_EQ(generated.size(), 32u);
  EXPECT_EQ(generated.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection c(process_->base_url());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string all = c.ReadAll();
  std::size_t count = 0;
  for (std::size_t pos = all.find("HTTP/1.1 200"); pos != std::string::npos;
       pos = all.find("HTTP/1.1 200", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u) << all;
}

TEST_F(ServerTest, OversizedBodyIsRefusedBeforeItIsRead) {
  RawConnection c(process_->base_url());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.Send("POST /api/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 104857600\r\n\r\n{"));
  const std::string answer = c.ReadUntil("\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
}

TEST_F(ServerTest, HugeHeadersAreRefused) {
  RawConnection c(process_->base_url());
  ASSERT_TRUE(c.connected());
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 10000; ++i) request += "X-Filler-" + std::to_string(i) + ": y\r\n";
  c.Send(request + "\r\n");
  const std::string answer = c.ReadUntil("\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
  EXPECT_EQ(Fetch("GET", Url("/healthz")).status, 200);  // still serving
}

TEST_F(ServerTest, GarbageIsABadRequest) {
  RawConnection c(process_->base_url());
  ASSERT_TRUE(c.connected());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(c.ReadUntil("\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
}

// SIGTERM while a request is half-sent: the request completes, then the process exits 0.
TEST_F(ServerTest, SigtermLetsInFlightRequestsFinish) {
  const std::string body = R"({"content": "finished during shutdown"})";
  RawConnection c(process_->base_url());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(
      "POST /api/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer " +
      std::string(StorybotProcess::kToken) + "\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body.substr(0, 10)));
  // A real wait: the half-sent request must be in the server's hands before the signal.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(process_->pid(), SIGTERM);
  // New connections are soon no longer accepted...
  EXPECT_TRUE(WaitFor([&] { return Fetch("GET", Url("/healthz"), {}, "", 2000).status == 0; },
                      std::chrono::seconds(5), std::chrono::milliseconds(50)));
  // ...but the one in flight is answered.
  ASSERT_TRUE(c.Send(body.substr(10)));
  const std::string answer = c.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 201", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_EQ(process_->Stop(0, 15), 0);  // exits by itself, status 0
  StartStorybot();
  EXPECT_EQ(Json(Get("/api/prompts/1")).at("content").as_string(), "finished during shutdown");
}

TEST_F(ServerTest, IdleConnectionsDoNotDelayShutdown) {
  RawConnection idle(process_->base_url());
  ASSERT_TRUE(idle.connected());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(process_->Stop(SIGTERM, 15), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ServerTest, CorsOverRealHttp) {
  auto preflight =
      Fetch("OPTIONS", Url("/api/prompts"),
            {{"Origin", "http://localhost:5173"},
             {"Access-Control-Request-Method", "PUT"},
             {"Access-Control-Request-Headers", "authorization,content-type,x-trace-id"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "http://localhost:5173");
  EXPECT_EQ(preflight.Header("access-control-max-age"), "3600");
  auto refused = Fetch("GET", Url("/api/prompts"), Admin({{"Origin", "https://evil.example"}}));
  EXPECT_EQ(refused.status, 200);
  for (const auto& [name, value] : refused.headers) {
    EXPECT_NE(name.rfind("access-control-allow-", 0), 0u) << name;
  }
}

TEST_F(ServerTest, RootRedirectsToThePanel) {
  auto root = Fetch("GET", Url("/"));
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.Header("location"), "/admin/");
}

// A stand-in panel folder: the server's job is to serve whatever the build put there.
class AdminPanelTest : public StorybotTest {
 protected:
  void SetUp() override {
    web_ = dir_.path() + "/web";
    std::filesystem::create_directories(web_ + "/assets");
    std::ofstream(web_ + "/index.html") << "<!doctype html><title>panel</title>";
    std::ofstream(web_ + "/assets/index-abc123.js") << "console.log(1)";
    std::ofstream(dir_.path() + "/secret.txt") << "outside";
    StartStorybot({{"STORYBOT_ADMIN_WEB_DIR", web_}});
  }
  std::string web_;
};

TEST_F(AdminPanelTest, ServesFilesWithTypesAndCaching) {
  auto index = Fetch("GET", Url("/admin/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_NE(index.body.find("panel"), std::string::npos);
  auto asset = Fetch("GET", Url("/admin/assets/index-abc123.js"));
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Fetch("GET", Url("/admin")).Header("location"), "/admin/");
}

TEST_F(AdminPanelTest, ClientRoutesGetTheAppAndMissingFilesAre404) {
  auto route = Fetch("GET", Url("/admin/prompts/3"));
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("panel"), std::string::npos);
  EXPECT_EQ(Fetch("GET", Url("/admin/assets/missing.js")).status, 404);
  EXPECT_EQ(Fetch("GET", Url("/admin/missing.png")).status, 404);
}

TEST_F(AdminPanelTest, NoPathEscapesTheFolder) {
  for (const char* path : {"/admin/../secret.txt", "/admin/../../etc/passwd", "/admin/./index.html",
                           "/admin/assets/../../secret.txt", "/admin/..%2fsecret.txt"}) {
    RawConnection c(process_->base_url());
    ASSERT_TRUE(c.connected());
    c.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string answer = c.ReadAll();
    EXPECT_EQ(answer.find("outside"), std::string::npos) << path;
    EXPECT_EQ(answer.find("root:"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace storybot::test
