#pragma once
// What GET /api/stats/timeseries answers, shaped from hourly rollups (core/stats/rollup.h) by
// pure functions: every hour of the range is present, counts zero-filled.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/stats/rollup.h"

namespace storybot {

// The series the API offers (README "Overview and charts").
enum class ChartSeries { kStories, kLlmLatency, kLlmFallbackRate, kJobs, kFeedback };

// "stories", "llm_latency", "llm_fallback_rate", "jobs", "feedback"; anything else is an
// InvalidArgument naming the parameter and the accepted values.
Result<ChartSeries> ParseChartSeries(std::string_view name);
std::string_view ChartSeriesName(ChartSeries series);
// "24h" or "7d" as a number of hours (24, 168).
Result<int> ParseChartRange(std::string_view range);

// The stored series a chart series is built from.
std::vector<std::string> StoredSeriesFor(ChartSeries series);

struct TimeseriesLine {
  std::string label;
  std::string unit;  // count | ms | ratio
  // One per hour; nullopt where there is nothing to say (a latency or a rate without calls).
  std::vector<std::optional<double>> values;
};

struct Timeseries {
  std::vector<std::int64_t> times;  // Unix seconds of each hour's start, oldest first
  std::vector<TimeseriesLine> lines;
};

// The `hours` hour starts ending with the hour holding `now` (Unix seconds).
std::vector<std::int64_t> HourRange(std::int64_t now, int hours);

// `by_hour`'s values on `times`; an hour without a row is 0.
std::vector<std::int64_t> ZeroFill(const std::map<std::int64_t, std::int64_t>& by_hour,
                                   const std::vector<std::int64_t>& times);

// The chart: `rows` are the stored rows of StoredSeriesFor(series) over `times`; `channels` are
// the lines a stories chart always has (the channels that are on), with any other channel found
// in the rows added, sorted by name.
Timeseries BuildTimeseries(ChartSeries series, const std::vector<RollupRow>& rows,
                           const std::vector<std::int64_t>& times,
                           const std::vector<std::string>& channels);

}  // namespace storybot
