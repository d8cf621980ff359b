// Logs and metrics as operators see them: ECS JSON lines and promtool-clean Prometheus text.
#include <fstream>
#include <thread>

#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

class ObservabilityTest : public StorybotTest {
 protected:
  // Some traffic of every kind, including a trace id and the admin token in flight.
  void MakeTraffic() {
    ASSERT_EQ(Post("/api/prompts", R"({"content": "日志 \"quoted\" \n {{request}}"})").status, 201);
    Fetch("GET", Url("/api/prompts"),
          Admin({{"X-Trace-Id", "trace-from-test"}, {"User-Agent", "obs-test/1.0"}}));
    Fetch("GET", Url("/api/prompts/1"), {{"Authorization", "Bearer wrong-token-value"}});
    Fetch("GET", Url("/nowhere?q=%22quoted%22%0A"));
    Fetch("POST", Url("/api/prompts"), AdminJson(), "{bad json");
  }

  // Stops the process (flushing its log) and returns the log's lines.
  std::vector<std::string> StopAndReadLog() {
    EXPECT_EQ(process_->Stop(SIGTERM), 0);
    std::ifstream in(dir_.path() + "/logs/storybot.ndjson");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

TEST_F(ObservabilityTest, EveryLogLineIsEcsJsonWithoutSecrets) {
  MakeTraffic();
  const auto lines = StopAndReadLog();
  ASSERT_GE(lines.size(), 6u);
  int access = 0;
  bool saw_trace = false;
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find(StorybotProcess::kToken), std::string::npos) << line;
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    const auto& o = value.as_object();
    for (const char* field : {"@timestamp", "log.level", "message", "ecs.version", "service.name",
                              "service.version", "event.dataset"}) {
      EXPECT_TRUE(o.contains(field)) << field << " missing in " << line;
    }
    EXPECT_EQ(o.at("service.name").as_string(), "storybot");
    if (o.at("event.dataset").as_string() != "storybot.access") continue;
    ++access;
    for (const char* field : {"http.request.method", "url.path", "http.response.status_code",
                              "event.duration", "client.ip", "user_agent.original", "trace.id"}) {
      EXPECT_TRUE(o.contains(field)) << field << " missing in " << line;
    }
    EXPECT_TRUE(o.at("event.duration").is_int64());
    if (o.at("trace.id").as_string() == "trace-from-test") {
      saw_trace = true;
      EXPECT_EQ(o.at("user_agent.original").as_string(), "obs-test/1.0");
      EXPECT_EQ(o.at("client.ip").as_string(), "127.0.0.1");
    }
  }
  EXPECT_EQ(access, 5);
  EXPECT_TRUE(saw_trace);
}

TEST_F(ObservabilityTest, MetricsPassPromtoolAndUseRoutePatterns) {
  MakeTraffic();
  auto metrics = Fetch("GET", Url("/metrics"));
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  const std::string& text = metrics.body;
  for (const char* name :
       {"storybot_http_requests_total", "storybot_http_request_duration_seconds_bucket",
        "storybot_build_info", "process_resident_memory_bytes"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
  EXPECT_NE(text.find(R"(route="/api/prompts/{id}",status="401")"), std::string::npos) << text;
  EXPECT_EQ(text.find("/nowhere"), std::string::npos);

  const std::string file = dir_.path() + "/metrics.txt";
  std::ofstream(file) << text;
  std::string output;
  const int status = RunCommand({"/bin/sh", "-c", "promtool check metrics < " + file}, {}, output);
  EXPECT_EQ(status, 0) << output;
}

}  // namespace
}  // namespace storybot::test
