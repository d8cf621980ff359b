// GET /api/stats/timeseries through the real binary: Telegram deliveries answered by a fake LLM
// are counted in the stories (per channel), LLM latency and fallback series of the current hour;
// a failing LLM shows as fallbacks; every hour of the range is present; the counts are written
// at shutdown and read back after a restart; bad parameters get a 400 naming the parameter.
#include <boost/json.hpp>

#include "tests/integration/fake_llm_fixture.h"
#include "tests/support/fake_telegram_api.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "webhook-secret_123";

class StatsTimeseriesTest : public FakeLlmTest {
 protected:
  void Start(int llm_status, std::string llm_body) {
    StartWithLlm(llm_status, std::move(llm_body),
                 {{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                  {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                  {"STORYBOT_TELEGRAM_API_URL", telegram_.base_url()}});
  }
  // `count` stories asked for in private chats, answered and finished.
  void DeliverStories(int count) {
    const std::int64_t done_before = JobsIn("done");
    for (int i = 0; i < count; ++i) {
      const std::int64_t id = ++update_;
      auto r = Fetch(
          "POST", Url("/telegram/webhook"),
          {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", kSecret}},
          PrivateMessageUpdate(id, 5000 + id, "a story about owls"));
      ASSERT_EQ(r.status, 200) << r.body;
    }
    ASSERT_TRUE(WaitFor([&] { return JobsIn("done") == done_before + count; }));
  }
  boost::json::object Chart(const std::string& series, const std::string& range = "24h") {
    auto r = Get("/api/stats/timeseries?series=" + series + "&range=" + range);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Json(r).as_object() : boost::json::object{};
  }
  // The values of the line labelled `label`.
  static boost::json::array Line(const boost::json::object& chart, const std::string& label) {
    for (const auto& line : chart.at("lines").as_array()) {
      if (line.at("label").as_string() == label) return line.at("values").as_array();
    }
    ADD_FAILURE() << "no line " << label << " in " << boost::json::serialize(chart);
    return {};
  }
  static double Last(const boost::json::array& values) {
    return values.empty() || values.back().is_null() ? -1 : values.back().to_number<double>();
  }

  FakeTelegramApi telegram_;
  std::int64_t update_ = 0;
};

TEST_F(StatsTimeseriesTest, DeliveriesAreCountedInTheCurrentHour) {
  Start(200, kCompletion);
  DeliverStories(3);

  const auto stories = Chart("stories");
  EXPECT_EQ(stories.at("series").as_string(), "stories");
  EXPECT_EQ(stories.at("range").as_string(), "24h");
  EXPECT_EQ(stories.at("step_s").as_int64(), 3600);
  const auto& times = stories.at("times").as_array();
  ASSERT_EQ(times.size(), 24u);
  for (std::size_t i = 1; i < times.size(); ++i) {
    EXPECT_EQ(times[i].as_int64() - times[i - 1].as_int64(), 3600);
  }
  const auto telegram = Line(stories, "telegram");
  ASSERT_EQ(telegram.size(), 24u);
  EXPECT_EQ(Last(telegram), 3.0);
  for (std::size_t i = 0; i + 1 < telegram.size(); ++i)
    EXPECT_EQ(telegram[i].to_number<double>(), 0);

  const auto latency = Chart("llm_latency");
  EXPECT_GT(Last(Line(latency, "p50")), 0.0);
  EXPECT_GE(Last(Line(latency, "p95")), Last(Line(latency, "p50")));
  EXPECT_TRUE(Line(latency, "p50").front().is_null());  // no calls: no value, not 0 ms

  const auto fallback = Chart("llm_fallback_rate");
  EXPECT_EQ(Last(Line(fallback, "calls")), 3.0);
  EXPECT_EQ(Last(Line(fallback, "fallbacks")), 0.0);
  EXPECT_EQ(Last(Line(fallback, "rate")), 0.0);

  const auto jobs = Chart("jobs", "7d");
  EXPECT_EQ(jobs.at("times").as_array().size(), 168u);
  EXPECT_GE(Last(Line(jobs, "waiting")), 1.0);  // the hour's peak of waiting jobs
  EXPECT_EQ(Last(Line(jobs, "dead_lettered")), 0.0);

  // Feedback is not recorded yet: the series answers, all zeros.
  const auto feedback = Chart("feedback");
  EXPECT_EQ(Last(Line(feedback, "up")), 0.0);
  EXPECT_EQ(Last(Line(feedback, "down")), 0.0);
  EXPECT_TRUE(Line(feedback, "ratio").back().is_null());
}

TEST_F(StatsTimeseriesTest, AFailingLlmShowsAsFallbacks) {
  Start(500, R"({"error":{"message":"overloaded","type":"server_error"}})");
  DeliverStories(2);
  const auto fallback = Chart("llm_fallback_rate");
  EXPECT_EQ(Last(Line(fallback, "calls")), 2.0);
  EXPECT_EQ(Last(Line(fallback, "fallbacks")), 2.0);
  EXPECT_EQ(Last(Line(fallback, "rate")), 1.0);
  EXPECT_EQ(Last(Line(Chart("stories"), "telegram")), 2.0);  // still answered, offline
}

TEST_F(StatsTimeseriesTest, CountsAreWrittenAtShutdownAndKeptAcrossARestart) {
  Start(200, kCompletion);
  DeliverStories(2);  // no chart read yet: only the stop flushes them
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  Start(200, kCompletion);
  EXPECT_EQ(Last(Line(Chart("stories"), "telegram")), 2.0);
}

TEST_F(StatsTimeseriesTest, BadParametersAreRefusedByName) {
  Start(200, kCompletion);
  auto r = Get("/api/stats/timeseries?series=bogus&range=24h");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCodeOf(r), "invalid_argument");
  EXPECT_EQ(ErrorMessageOf(r).rfind("series:", 0), 0u) << r.body;
  r = Get("/api/stats/timeseries?series=stories&range=30d");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorMessageOf(r).rfind("range:", 0), 0u) << r.body;
  r = Get("/api/stats/timeseries?range=24h");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Fetch("GET", Url("/api/stats/timeseries?series=stories&range=24h")).status, 401);
}

}  // namespace
}  // namespace storybot::test
