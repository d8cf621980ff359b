#include "http/stats_api.h"

#include <boost/json.hpp>

#include "core/stats/timeseries.h"

namespace storybot::http {
namespace {

boost::json::object ChartJson(std::string_view series, std::string_view range,
                              const Timeseries& chart) {
  boost::json::array times;
  for (std::int64_t t : chart.times) times.emplace_back(t);
  boost::json::array lines;
  for (const TimeseriesLine& line : chart.lines) {
    boost::json::array values;
    for (const std::optional<double>& v : line.values) {
      if (v) {
        values.emplace_back(*v);
      } else {
        values.emplace_back(nullptr);
      }
    }
    lines.push_back({{"label", line.label}, {"unit", line.unit}, {"values", std::move(values)}});
  }
  return {{"series", series},
          {"range", range},
          {"step_s", 3600},
          {"times", std::move(times)},
          {"lines", std::move(lines)}};
}

void GetTimeseries(const ExchangePtr& ex, StatsApiDeps& deps) {
  const std::string series_text = ex->request().QueryParam("series");
  const std::string range_text = ex->request().QueryParam("range");
  auto series = ParseChartSeries(series_text);
  if (!series.ok()) return ReplyError(ex, series.error());
  auto hours = ParseChartRange(range_text);
  if (!hours.ok()) return ReplyError(ex, hours.error());
  const ChartSeries chart_series = series.value();
  const int range_hours = hours.value();
  // The flush goes through the single writer; the read then runs on the work pool.
  deps.recorder.Flush([ex, &deps, chart_series, range_hours, range_text](const Status&) {
    deps.pool.Post([ex, &deps, chart_series, range_hours, range_text] {
      const std::vector<std::int64_t> times = HourRange(deps.clock.UnixSeconds(), range_hours);
      auto rows =
          deps.store.Read(StoredSeriesFor(chart_series), times.front(), times.back() + 3600);
      if (!rows.ok()) return ReplyError(ex, rows.error());
      const Timeseries chart = BuildTimeseries(chart_series, rows.value(), times, deps.channels);
      ex->Reply(JsonResponse(200, boost::json::serialize(ChartJson(ChartSeriesName(chart_series),
                                                                   range_text, chart))));
    });
  });
}

}  // namespace

void AddStatsRoutes(Router& router, StatsApiDeps deps) {
  auto shared = std::make_shared<StatsApiDeps>(std::move(deps));
  router.Add("GET", "/api/stats/timeseries", Auth::kAdmin,
             [shared](const ExchangePtr& ex) { GetTimeseries(ex, *shared); });
}

}  // namespace storybot::http
