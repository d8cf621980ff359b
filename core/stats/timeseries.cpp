#include "core/stats/timeseries.h"

#include <set>

#include "core/stats/latency.h"

namespace storybot {
namespace {

struct Named {
  ChartSeries series;
  std::string_view name;
};
constexpr Named kNames[] = {{ChartSeries::kStories, "stories"},
                            {ChartSeries::kLlmLatency, "llm_latency"},
                            {ChartSeries::kLlmFallbackRate, "llm_fallback_rate"},
                            {ChartSeries::kJobs, "jobs"},
                            {ChartSeries::kFeedback, "feedback"}};

using ByHour = std::map<std::int64_t, std::int64_t>;

// The rows of one stored series and label, by hour.
ByHour Select(const std::vector<RollupRow>& rows, std::string_view series, std::string_view label) {
  ByHour by_hour;
  for (const RollupRow& row : rows) {
    if (row.series == series && row.label == label) by_hour[row.hour] += row.value;
  }
  return by_hour;
}

TimeseriesLine Counts(std::string label, const ByHour& by_hour,
                      const std::vector<std::int64_t>& times) {
  TimeseriesLine line{std::move(label), "count", {}};
  for (std::int64_t v : ZeroFill(by_hour, times)) line.values.emplace_back(static_cast<double>(v));
  return line;
}

// part / whole per hour; nullopt where whole is 0.
TimeseriesLine Ratio(std::string label, const std::vector<std::int64_t>& part,
                     const std::vector<std::int64_t>& whole) {
  TimeseriesLine line{std::move(label), "ratio", {}};
  for (std::size_t i = 0; i < part.size(); ++i) {
    line.values.push_back(whole[i] > 0 ? std::optional<double>(static_cast<double>(part[i]) /
                                                               static_cast<double>(whole[i]))
                                       : std::nullopt);
  }
  return line;
}

Timeseries Stories(const std::vector<RollupRow>& rows, const std::vector<std::int64_t>& times,
                   const std::vector<std::string>& channels) {
  std::set<std::string> labels(channels.begin(), channels.end());
  for (const RollupRow& row : rows) {
    if (row.series == rollup::kStories) labels.insert(row.label);
  }
  Timeseries chart{times, {}};
  for (const std::string& label : labels) {
    chart.lines.push_back(Counts(label, Select(rows, rollup::kStories, label), times));
  }
  return chart;
}

Timeseries Latency(const std::vector<RollupRow>& rows, const std::vector<std::int64_t>& times) {
  std::map<std::int64_t, LatencyCounts> hist;
  for (const RollupRow& row : rows) {
    if (row.series != rollup::kLlmLatency) continue;
    if (auto bucket = LatencyBucketOf(row.label)) {
      auto [it, added] = hist.try_emplace(row.hour);
      if (added) it->second.fill(0);
      it->second[*bucket] += row.value;
    }
  }
  Timeseries chart{times, {{"p50", "ms", {}}, {"p95", "ms", {}}}};
  for (std::int64_t hour : times) {
    const auto it = hist.find(hour);
    chart.lines[0].values.push_back(it == hist.end() ? std::nullopt
                                                     : PercentileFromBuckets(it->second, 0.5));
    chart.lines[1].values.push_back(it == hist.end() ? std::nullopt
                                                     : PercentileFromBuckets(it->second, 0.95));
  }
  return chart;
}

}  // namespace

Result<ChartSeries> ParseChartSeries(std::string_view name) {
  std::string names;
  for (const Named& n : kNames) {
    if (n.name == name) return n.series;
    names += (names.empty() ? "" : ", ") + std::string(n.name);
  }
  return InvalidArgument("series: must be one of " + names);
}

std::string_view ChartSeriesName(ChartSeries series) {
  for (const Named& n : kNames) {
    if (n.series == series) return n.name;
  }
  return "";
}

Result<int> ParseChartRange(std::string_view range) {
  if (range == "24h") return 24;
  if (range == "7d") return 24 * 7;
  return InvalidArgument("range: must be one of 24h, 7d");
}

std::vector<std::string> StoredSeriesFor(ChartSeries series) {
  switch (series) {
    case ChartSeries::kStories:
      return {rollup::kStories};
    case ChartSeries::kLlmLatency:
      return {rollup::kLlmLatency};
    case ChartSeries::kLlmFallbackRate:
      return {rollup::kLlmCalls, rollup::kLlmFallbacks};
    case ChartSeries::kJobs:
      return {rollup::kJobsWaiting, rollup::kJobsDead};
    case ChartSeries::kFeedback:
      return {rollup::kFeedback};
  }
  return {};
}

std::vector<std::int64_t> HourRange(std::int64_t now, int hours) {
  std::vector<std::int64_t> times;
  const std::int64_t last = HourStart(now);
  for (int i = hours - 1; i >= 0; --i) times.push_back(last - std::int64_t{3600} * i);
  return times;
}

std::vector<std::int64_t> ZeroFill(const ByHour& by_hour, const std::vector<std::int64_t>& times) {
  std::vector<std::int64_t> values;
  values.reserve(times.size());
  for (std::int64_t hour : times) {
    const auto it = by_hour.find(hour);
    values.push_back(it == by_hour.end() ? 0 : it->second);
  }
  return values;
}

Timeseries BuildTimeseries(ChartSeries series, const std::vector<RollupRow>& rows,
                           const std::vector<std::int64_t>& times,
                           const std::vector<std::string>& channels) {
  switch (series) {
    case ChartSeries::kStories:
      return Stories(rows, times, channels);
    case ChartSeries::kLlmLatency:
      return Latency(rows, times);
    case ChartSeries::kLlmFallbackRate: {
      const ByHour calls = Select(rows, rollup::kLlmCalls, "");
      const ByHour fallbacks = Select(rows, rollup::kLlmFallbacks, "");
      return {times,
              {Counts("calls", calls, times), Counts("fallbacks", fallbacks, times),
               Ratio("rate", ZeroFill(fallbacks, times), ZeroFill(calls, times))}};
    }
    case ChartSeries::kJobs:
      return {times,
              {Counts("waiting", Select(rows, rollup::kJobsWaiting, ""), times),
               Counts("dead_lettered", Select(rows, rollup::kJobsDead, ""), times)}};
    case ChartSeries::kFeedback: {
      const ByHour up = Select(rows, rollup::kFeedback, "up");
      const ByHour down = Select(rows, rollup::kFeedback, "down");
      std::vector<std::int64_t> total = ZeroFill(up, times);
      const std::vector<std::int64_t> downs = ZeroFill(down, times);
      for (std::size_t i = 0; i < total.size(); ++i) total[i] += downs[i];
      return {times,
              {Counts("up", up, times), Counts("down", down, times),
               Ratio("ratio", ZeroFill(up, times), total)}};
    }
  }
  return {times, {}};
}

}  // namespace storybot
