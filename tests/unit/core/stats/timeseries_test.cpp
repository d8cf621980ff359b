// Shaping hourly rollups into chart series: parameter parsing, the hour range, zero-filling,
// per-channel lines, percentiles per hour and rates that are empty (not 0) without calls.
#include "core/stats/timeseries.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kNoon = 1764676800;  // 2025-12-02T12:00:00Z, an hour start

TEST(ChartParameters, KnownSeriesAndRangesParse) {
  EXPECT_EQ(ParseChartSeries("stories").value(), ChartSeries::kStories);
  EXPECT_EQ(ParseChartSeries("llm_latency").value(), ChartSeries::kLlmLatency);
  EXPECT_EQ(ParseChartSeries("llm_fallback_rate").value(), ChartSeries::kLlmFallbackRate);
  EXPECT_EQ(ParseChartSeries("jobs").value(), ChartSeries::kJobs);
  EXPECT_EQ(ParseChartSeries("feedback").value(), ChartSeries::kFeedback);
  EXPECT_EQ(ChartSeriesName(ChartSeries::kLlmFallbackRate), "llm_fallback_rate");
  EXPECT_EQ(ParseChartRange("24h").value(), 24);
  EXPECT_EQ(ParseChartRange("7d").value(), 168);
}

TEST(ChartParameters, UnknownValuesNameTheParameter) {
  auto series = ParseChartSeries("Stories");
  ASSERT_FALSE(series.ok());
  EXPECT_EQ(series.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(series.error().message.rfind("series: must be one of stories, llm_latency", 0), 0u)
      << series.error().message;
  auto range = ParseChartRange("30d");
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().message, "range: must be one of 24h, 7d");
  EXPECT_FALSE(ParseChartRange("").ok());
}

TEST(HourRange, EndsWithTheCurrentHourOldestFirst) {
  const auto times = HourRange(kNoon + 59 * 60 + 59, 24);
  ASSERT_EQ(times.size(), 24u);
  EXPECT_EQ(times.back(), kNoon);
  EXPECT_EQ(times.front(), kNoon - 23 * kHour);
  for (std::size_t i = 1; i < times.size(); ++i) EXPECT_EQ(times[i] - times[i - 1], kHour);
  EXPECT_EQ(HourRange(kNoon, 168).size(), 168u);
  EXPECT_EQ(HourStart(kNoon - 1), kNoon - kHour);
}

TEST(ZeroFill, EveryHourIsPresentAndMissingOnesAreZero) {
  const std::vector<std::int64_t> times = {kNoon - 2 * kHour, kNoon - kHour, kNoon};
  const std::map<std::int64_t, std::int64_t> rows = {{kNoon - kHour, 7}, {kNoon - 9 * kHour, 3}};
  EXPECT_EQ(ZeroFill(rows, times), (std::vector<std::int64_t>{0, 7, 0}));
  EXPECT_EQ(ZeroFill({}, times), (std::vector<std::int64_t>{0, 0, 0}));
}

TEST(BuildTimeseries, StoriesHaveALinePerChannelEvenWithoutStories) {
  const std::vector<std::int64_t> times = HourRange(kNoon, 3);
  const std::vector<RollupRow> rows = {{kNoon, "stories", "telegram", 4},
                                       {kNoon - kHour, "stories", "webhook", 2}};
  const Timeseries chart =
      BuildTimeseries(ChartSeries::kStories, rows, times, {"telegram", "slack"});
  EXPECT_EQ(chart.times, times);
  ASSERT_EQ(chart.lines.size(), 3u);  // the channels that are on, and one that was on before
  EXPECT_EQ(chart.lines[0].label, "slack");
  EXPECT_EQ(chart.lines[0].values, (std::vector<std::optional<double>>{0.0, 0.0, 0.0}));
  EXPECT_EQ(chart.lines[1].label, "telegram");
  EXPECT_EQ(chart.lines[1].values, (std::vector<std::optional<double>>{0.0, 0.0, 4.0}));
  EXPECT_EQ(chart.lines[2].label, "webhook");
  EXPECT_EQ(chart.lines[2].values, (std::vector<std::optional<double>>{0.0, 2.0, 0.0}));
  EXPECT_EQ(chart.lines[2].unit, "count");
}

TEST(BuildTimeseries, LatencyPercentilesPerHourFromBuckets) {
  const std::vector<std::int64_t> times = HourRange(kNoon, 2);
  const std::vector<RollupRow> rows = {{kNoon, "llm_latency_ms", "1000", 10},
                                       {kNoon, "llm_latency_ms", "bogus", 99}};
  const Timeseries chart = BuildTimeseries(ChartSeries::kLlmLatency, rows, times, {});
  ASSERT_EQ(chart.lines.size(), 2u);
  EXPECT_EQ(chart.lines[0].label, "p50");
  EXPECT_EQ(chart.lines[0].unit, "ms");
  EXPECT_EQ(chart.lines[0].values[0], std::nullopt);  // no calls that hour
  EXPECT_DOUBLE_EQ(*chart.lines[0].values[1], 750.0);
  EXPECT_EQ(chart.lines[1].label, "p95");
  EXPECT_DOUBLE_EQ(*chart.lines[1].values[1], 975.0);
}

TEST(BuildTimeseries, FallbackRateIsEmptyWithoutCalls) {
  const std::vector<std::int64_t> times = HourRange(kNoon, 2);
  const std::vector<RollupRow> rows = {{kNoon, "llm_calls", "", 4},
                                       {kNoon, "llm_fallbacks", "", 1}};
  const Timeseries chart = BuildTimeseries(ChartSeries::kLlmFallbackRate, rows, times, {});
  ASSERT_EQ(chart.lines.size(), 3u);
  EXPECT_EQ(chart.lines[0].label, "calls");
  EXPECT_EQ(chart.lines[1].label, "fallbacks");
  EXPECT_EQ(chart.lines[2].label, "rate");
  EXPECT_EQ(chart.lines[2].unit, "ratio");
  EXPECT_EQ(chart.lines[2].values, (std::vector<std::optional<double>>{std::nullopt, 0.25}));
}

TEST(BuildTimeseries, JobsAndFeedbackLines) {
  const std::vector<std::int64_t> times = HourRange(kNoon, 1);
  const Timeseries jobs = BuildTimeseries(
      ChartSeries::kJobs, {{kNoon, "jobs_waiting", "", 5}, {kNoon, "jobs_dead", "", 1}}, times, {});
  ASSERT_EQ(jobs.lines.size(), 2u);
  EXPECT_EQ(jobs.lines[0].label, "waiting");
  EXPECT_EQ(jobs.lines[0].values[0], 5.0);
  EXPECT_EQ(jobs.lines[1].label, "dead_lettered");
  EXPECT_EQ(jobs.lines[1].values[0], 1.0);
  // Nothing records feedback yet: the series exists and reads as zeros and no ratio.
  const Timeseries feedback = BuildTimeseries(ChartSeries::kFeedback, {}, times, {});
  ASSERT_EQ(feedback.lines.size(), 3u);
  EXPECT_EQ(feedback.lines[0].values[0], 0.0);
  EXPECT_EQ(feedback.lines[1].values[0], 0.0);
  EXPECT_EQ(feedback.lines[2].label, "ratio");
  EXPECT_EQ(feedback.lines[2].values[0], std::nullopt);
}

}  // namespace
}  // namespace storybot
