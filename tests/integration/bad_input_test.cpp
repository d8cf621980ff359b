// The bad-input table against the real binary, for what server_test.cpp and prompts_api_test.cpp
// do not cover yet: slow and huge requests, invalid UTF-8 in chat text and JSON, huge numbers,
// SQL and HTML in prompts, and wrong methods on every route. Each case: the right status, the
// server still serves, memory stays bounded, nothing is stored.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "tests/integration/fixture.h"
#include "tests/support/fake_telegram_api.h"
#include "tests/support/raw_connection.h"

namespace storybot::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kSecret = "bad-input-secret";

// 20 s: the slow cases wait for the server's own deadlines.
class Socket : public RawConnection {
 public:
  explicit Socket(const std::string& base_url) : RawConnection(base_url, 20) {}
};

// VmRSS of `pid` in MiB, from /proc/<pid>/status; -1 when unreadable.
long RssMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  }
  return -1;
}

std::string TelegramUpdate(std::int64_t id, std::int64_t chat, const std::string& text_json) {
  return R"({"update_id": )" + std::to_string(id) + R"(, "message": {"message_id": 1, "date": )" +
         R"(1700000000, "chat": {"id": )" + std::to_string(chat) +
         R"(, "type": "private"}, "from": {"id": 1, "first_name": "Ann"}, "text": )" + text_json +
         "}}";
}

class BadInputTest : public StorybotTest {
 protected:
  void SetUp() override {
    StartStorybot({{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                   {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                   {"STORYBOT_TELEGRAM_API_URL", api_.base_url()}});
  }
  HttpResult Deliver(const std::string& body) {
    return Fetch(
        "POST", Url("/telegram/webhook"),
        {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", kSecret}}, body);
  }
  void ExpectStillServing() { EXPECT_EQ(Fetch("GET", Url("/healthz")).status, 200); }
  std::int64_t Stat(const char* group, const char* name) {
    auto stats = Json(Get("/api/stats"));
    return group == nullptr ? stats.at(name).as_int64() : stats.at(group).at(name).as_int64();
  }
  std::size_t PromptCount() { return Json(Get("/api/prompts")).as_array().size(); }

  FakeTelegramApi api_;
};

TEST_F(BadInputTest, SlowlorisLosesItsConnectionAndOthersAreServed) {
  Socket slow(process_->base_url());
  ASSERT_TRUE(slow.connected());
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a') + "\r\n\r\n";
  const auto start = Clock::now();
  // One byte every 100 ms: the whole header would take 20+ s, over the 10 s header deadline.
  std::atomic<int> dribbled{0};
  auto dribble = std::async(std::launch::async, [&] {
    for (char c : request) {
      if (!slow.Send(std::string_view(&c, 1))) return Clock::now();
      ++dribbled;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the slowness is the point
    }
    return Clock::now();
  });
  ASSERT_TRUE(WaitFor([&] { return dribbled >= 10; }, std::chrono::seconds(5)));  // ~1 s in
  ExpectStillServing();                       // the slow client blocks nobody
  const std::string answer = slow.ReadAll();  // returns when the server closes
  const auto closed_after = Clock::now() - start;
  EXPECT_EQ(answer, "") << "the dribbled request must not be answered";
  EXPECT_LT(closed_after, std::chrono::seconds(15));
  EXPECT_GE(closed_after, std::chrono::seconds(9));
  dribble.wait();
  ExpectStillServing();
}

TEST_F(BadInputTest, HundredMegabyteChunkedBodyIs413WithBoundedMemory) {
  Socket c(process_->base_url());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.Send("POST /api/prompts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Authorization: Bearer " +
             std::string(StorybotProcess::kToken) + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
  // Send like a client that does not listen, and read the answer at the same time.
  std::atomic<int> sent_mib{0};
  std::atomic<long> peak_mib{0};
  auto sender = std::async(std::launch::async, [&] {
    const std::string chunk = "100000\r\n" + std::string(0x100000, 'a') + "\r\n";  // 1 MiB
    for (; sent_mib < 100; ++sent_mib) {
      if (!c.Send(chunk)) break;  // the server stopped reading and closed: expected
      peak_mib = std::max(peak_mib.load(), RssMiB(process_->pid()));
    }
  });
  const std::string answer = c.ReadAll();
  sender.wait();
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
  EXPECT_LT(sent_mib.load(), 100) << "the server read the whole 100 MB instead of stopping";
  peak_mib = std::max(peak_mib.load(), RssMiB(process_->pid()));
  EXPECT_GT(peak_mib.load(), 0);
  EXPECT_LT(peak_mib.load(), 100) << "VmRSS went to " << peak_mib.load() << " MiB";
  ExpectStillServing();
  EXPECT_EQ(PromptCount(), 0u);
}

TEST_F(BadInputTest, InvalidUtf8InChatTextIsRefusedAndNotStored) {
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"raw invalid bytes", "\"\xC3\x28 story \xFF\""},
      {"overlong encoding", "\"\xC0\xAF\""},
      {"encoded surrogate", "\"\xED\xA0\x80\""},
      {"lone escaped surrogate", R"("\ud800 story")"},
      {"truncated sequence", "\"\xE5\xB0\""},
  };
  std::int64_t id = 100;
  for (const auto& [name, text] : texts) {
    auto r = Deliver(TelegramUpdate(++id, 5005, text));
    EXPECT_EQ(r.status, 400) << name << ": " << r.body;
  }
  ExpectStillServing();
  // Refused before storing: with no job, nothing is ever sent.
  EXPECT_TRUE(api_.SentTo("5005").empty());
  EXPECT_EQ(Stat(nullptr, "messages"), 0);
  EXPECT_EQ(Stat("jobs", "pending") + Stat("jobs", "done"), 0);
}

TEST_F(BadInputTest, InvalidUtf8AndHugeNumbersInJsonAreRefused) {
  struct Case {
    std::string method, path, body;
    long status;
  };
  const std::vector<Case> cases = {
      {"POST", "/api/prompts", "{\"content\": \"ok\", \"title\": \"\xF0\x28\x8C\x28\"}", 400},
      {"POST", "/api/prompts", "{\"cont\xFF\": \"x\"}", 400},
      {"POST", "/api/prompts", R"({"content": "x", "enabled": 1e400})", 400},
      {"POST", "/api/prompts", R"({"content": "x", "enabled": 99999999999999999999})", 400},
      {"POST", "/api/prompts", R"({"content": "x", "title": -1e308})", 400},
      {"POST", "/api/stories/preview", R"({"request": "x", "prompt_id": 99999999999999999999})",
       400},
      {"POST", "/api/stories/preview", R"({"request": "x", "prompt_id": 1e400})", 400},
      {"POST", "/api/stories/preview", R"({"request": "x", "prompt_id": -9223372036854775809})",
       400},
      {"PUT", "/api/prompts/1", R"({"enabled": 1e400})", 400},
  };
  for (const Case& c : cases) {
    auto r = Fetch(c.method, Url(c.path), AdminJson(), c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << c.body << ": " << r.body;
    if (r.status >= 400) {
      EXPECT_NO_THROW(Json(r)) << "error bodies are JSON: " << r.body;
    }
  }
  // Ids past int64 in paths and in Telegram updates.
  for (const char* path :
       {"/api/prompts/99999999999999999999", "/api/prompts/-1", "/api/prompts/1e400",
        "/api/prompts/%FF%FE", "/api/prompts/99999999999999999999/versions"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_NO_THROW(Json(r)) << path << ": " << r.body;
  }
  EXPECT_EQ(Fetch("DELETE", Url("/api/prompts/18446744073709551616"), Admin()).status, 404);
  EXPECT_EQ(
      Deliver(R"({"update_id": 99999999999999999999, "message": {"chat": {"id": 1}}})").status,
      400);
  EXPECT_EQ(Deliver(R"({"update_id": 1e400, "message": {}})").status, 400);
  ExpectStillServing();
  EXPECT_EQ(PromptCount(), 0u);
  EXPECT_EQ(Stat(nullptr, "messages"), 0);
}

TEST_F(BadInputTest, SqlAndHtmlInPromptsAreStoredVerbatimAndInert) {
  const std::vector<std::string> contents = {
      "Robert'); DROP TABLE prompts;-- {{request}}",
      "1' OR '1'='1\" ; DELETE FROM prompts WHERE 1=1; --",
      "<script>alert('x')</script><img src=x onerror=alert(1)> {{user_name|</b>}}",
      "\\\"; ATTACH DATABASE '/tmp/pwn.db' AS p; -- %s %n \\x00",
  };
  std::vector<std::int64_t> ids;
  for (const std::string& content : contents) {
    boost::json::object body{{"content", content}, {"title", content.substr(0, 30)}};
    auto r = Post("/api/prompts", boost::json::serialize(body));
    ASSERT_EQ(r.status, 201) << content << ": " << r.body;
    EXPECT_EQ(Json(r).at("content").as_string(), content);
    EXPECT_EQ(Json(r).at("title").as_string(), content.substr(0, 30));
    ids.push_back(Json(r).at("id").as_int64());
  }
  // The table is intact and every row comes back byte for byte.
  auto list = Json(Get("/api/prompts")).as_array();
  ASSERT_EQ(list.size(), contents.size());
  for (std::size_t i = 0; i < contents.size(); ++i) {
    EXPECT_EQ(list[i].at("content").as_string(), contents[i]);
    auto one = Get("/api/prompts/" + std::to_string(ids[i]));
    EXPECT_EQ(Json(one).at("content").as_string(), contents[i]);
    // JSON, never HTML: browsers must not sniff it into a page.
    EXPECT_EQ(one.Header("content-type").rfind("application/json", 0), 0u);
  }
  auto preview = Post("/api/stories/preview",
                      R"({"request": "<b>x</b>'; DROP TABLE prompts;--", "prompt_id": )" +
                          std::to_string(ids[0]) + "}");
  EXPECT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(PromptCount(), contents.size());
  EXPECT_EQ(Json(Get("/readyz")).at("checks").at("database").as_string(), "ok");
}

TEST_F(BadInputTest, WrongMethodsOnEveryRouteAre405WithAllow) {
  struct Route {
    std::string path;
    std::vector<std::string> allowed;
  };
  const std::vector<Route> routes = {
      {"/healthz", {"GET"}},
      {"/readyz", {"GET"}},
      {"/metrics", {"GET"}},
      {"/api/openapi.yaml", {"GET"}},
      {"/api/prompts", {"GET", "POST"}},
      {"/api/prompts/1", {"GET", "PUT", "DELETE"}},
      {"/api/prompts/1/versions", {"GET"}},
      {"/api/stories/preview", {"POST"}},
      {"/api/conversations", {"GET"}},
      {"/api/stats", {"GET"}},
      {"/api/integrations", {"GET", "POST"}},
      {"/api/integrations/x", {"PATCH", "DELETE"}},
      {"/api/integrations/x/rotate", {"POST"}},
      {"/telegram/webhook", {"POST"}},
      {"/webhooks/x", {"POST"}},
      {"/webhooks/x/jobs/1", {"GET"}},
      {"/admin/index.html", {"GET"}},
  };
  for (const Route& route : routes) {
    for (const std::string method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
      if (std::find(route.allowed.begin(), route.allowed.end(), method) != route.allowed.end()) {
        continue;
      }
      auto r = Fetch(method, Url(route.path), AdminJson(), method == "GET" ? "" : "{}");
      EXPECT_EQ(r.status, 405) << method << " " << route.path << ": " << r.body;
      const std::string allow = r.Header("allow");
      for (const std::string& m : route.allowed) {
        EXPECT_NE(allow.find(m), std::string::npos) << method << " " << route.path << ": " << allow;
      }
    }
  }
  ExpectStillServing();
  EXPECT_EQ(PromptCount(), 0u);
  EXPECT_EQ(Stat(nullptr, "messages"), 0);
  EXPECT_TRUE(Json(Get("/api/integrations")).as_array().empty());
}

}  // namespace
}  // namespace storybot::test
