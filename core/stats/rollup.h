#pragma once
// Hourly rollups: small counters kept per (hour, series, label) so the admin panel's charts read
// a few hundred rows instead of scanning deliveries. The series stored here are documented in
// README "Overview and charts"; core/stats/timeseries.h turns them into what the API answers.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace storybot {

// The stored series (names are part of the database, never rename one).
namespace rollup {
inline constexpr const char* kStories = "stories";             // label: channel; stories written
inline constexpr const char* kLlmCalls = "llm_calls";          // LLM stories asked for
inline constexpr const char* kLlmFallbacks = "llm_fallbacks";  // ... answered offline instead
inline constexpr const char* kLlmLatency = "llm_latency_ms";   // label: bucket bound (latency.h)
inline constexpr const char* kJobsWaiting = "jobs_waiting";    // peak of the hour (a gauge)
inline constexpr const char* kJobsDead = "jobs_dead";          // jobs dead-lettered in the hour
inline constexpr const char* kFeedback = "feedback";           // label: up | down (none yet)
}  // namespace rollup

// How a change meets the value already stored for its hour: counters add, gauges keep the peak.
enum class RollupMerge { kAdd, kMax };

struct RollupDelta {
  std::int64_t hour = 0;  // Unix seconds of the hour's start (UTC)
  std::string series;
  std::string label;
  std::int64_t value = 0;
  RollupMerge merge = RollupMerge::kAdd;
};

struct RollupRow {
  std::int64_t hour = 0;
  std::string series;
  std::string label;
  std::int64_t value = 0;
};

// Where rollups are kept (SQLite today: core/storage/sqlite_stats_store.h).
class StatsStore {
 public:
  virtual ~StatsStore() = default;
  // Applies every delta in one transaction; `done` runs on the store's writer thread.
  virtual void Apply(std::vector<RollupDelta> deltas, std::function<void(Status)> done) = 0;
  // The rows of `series` with from <= hour < to. Blocking: call it off the I/O threads.
  virtual Result<std::vector<RollupRow>> Read(const std::vector<std::string>& series,
                                              std::int64_t from, std::int64_t to) = 0;
};

// Unix seconds of the start of the UTC hour holding `unix_seconds`.
inline std::int64_t HourStart(std::int64_t unix_seconds) {
  return unix_seconds - ((unix_seconds % 3600) + 3600) % 3600;
}

}  // namespace storybot
