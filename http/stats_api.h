#pragma once
// GET /api/stats/timeseries (http/openapi.yaml): hourly points for the admin panel's charts,
// read from the rollups the StatsRecorder keeps (core/stats/).
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/stats/rollup.h"
#include "core/stats/stats_recorder.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

struct StatsApiDeps {
  StatsStore& store;
  StatsRecorder& recorder;  // flushed before a read, so the chart includes the last seconds
  WorkPool& pool;           // for database reads
  Clock& clock;             // "now": the range ends with the current hour
  std::vector<std::string> channels;  // the channels that are on: the stories chart's lines
};

void AddStatsRoutes(Router& router, StatsApiDeps deps);

}  // namespace storybot::http
