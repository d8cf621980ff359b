#include "core/logging.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

std::vector<boost::json::object> ReadLines(const std::string& path) {
  std::vector<boost::json::object> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << "not JSON: " << line;
    if (!ec) lines.push_back(value.as_object());
  }
  return lines;
}

TEST(JsonEscapeTest, EscapesQuotesControlCharactersAndBadUtf8) {
  std::string out;
  AppendJsonEscaped(out, std::string("a\"b\\c\nd\te\x01 中 \xFF", 16));
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\te\\u0001 中 \\ufffd");
}

TEST(LoggerTest, WritesEcsLinesThatAreValidJsonWhateverTheMessage) {
  test::TempDir dir;
  {
    auto logger = Logger::Open({dir.path(), LogLevel::kInfo, false});
    ASSERT_TRUE(logger.ok());
    logger.value()->Log(LogLevel::kWarn, std::string("quote \" newline \n nul \0 bad \xC3\x28", 31),
                        {{"labels.count", std::int64_t{3}}, {"labels.ok", true}}, "trace-1");
    logger.value()->Access("GET /x 200",
                           {{"http.request.method", std::string_view("GET")},
                            {"http.response.status_code", std::int64_t{200}}},
                           "abc");
    logger.value()->Log(LogLevel::kDebug, "below the level: not written");
  }
  const auto lines = ReadLines(dir.File("storybot.ndjson"));
  ASSERT_EQ(lines.size(), 2u);
  const auto& app = lines[0];
  EXPECT_EQ(app.at("log.level").as_string(), "warn");
  EXPECT_EQ(app.at("event.dataset").as_string(), "storybot.app");
  EXPECT_EQ(app.at("service.name").as_string(), "storybot");
  EXPECT_TRUE(app.contains("service.version"));
  EXPECT_TRUE(app.contains("ecs.version"));
  EXPECT_EQ(app.at("trace.id").as_string(), "trace-1");
  EXPECT_EQ(app.at("labels.count").as_int64(), 3);
  const std::string ts(app.at("@timestamp").as_string());
  EXPECT_EQ(ts.size(), 24u) << ts;  // 2026-11-25T20:16:10.123Z
  EXPECT_EQ(ts.back(), 'Z');
  EXPECT_EQ(lines[1].at("event.dataset").as_string(), "storybot.access");
  EXPECT_EQ(lines[1].at("http.response.status_code").as_int64(), 200);
}

TEST(LoggerTest, RedactsRegisteredSecretsEverywhere) {
  test::TempDir dir;
  {
    auto logger = Logger::Open({dir.path(), LogLevel::kInfo, false});
    ASSERT_TRUE(logger.ok());
    logger.value()->AddSecret("s3cr3t-token");
    logger.value()->Log(LogLevel::kInfo, "calling https://api/bots3cr3t-token/sendMessage",
                        {{"url.full", std::string_view("x?k=s3cr3t-token")}});
  }
  std::ifstream in(dir.File("storybot.ndjson"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("s3cr3t-token"), std::string::npos) << text;
  EXPECT_NE(text.find("***"), std::string::npos);
}

TEST(LoggerTest, ParsesLevels) {
  EXPECT_TRUE(ParseLogLevel("trace").ok());
  EXPECT_TRUE(ParseLogLevel("error").ok());
  EXPECT_FALSE(ParseLogLevel("verbose").ok());
}

}  // namespace
}  // namespace storybot
