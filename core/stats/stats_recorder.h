#pragma once
// Counts what the charts show where it happens (the job runner, the story writer) into memory,
// and writes the counts as hourly rollups through the store's single writer every
// `flush_every` and at Stop: a busy hour costs a handful of small transactions, never one
// SQLite write per delivery. Thread-safe; recording never blocks on the database.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>

#include "core/clock.h"
#include "core/stats/rollup.h"

namespace storybot {

struct StatsRecorderOptions {
  std::chrono::milliseconds flush_every{10000};
};

class StatsRecorder {
 public:
  // `store` and `clock` must outlive the recorder. Hours are taken from clock.WallNow().
  StatsRecorder(StatsStore& store, Clock& clock, StatsRecorderOptions options = {});
  ~StatsRecorder();
  StatsRecorder(const StatsRecorder&) = delete;
  StatsRecorder& operator=(const StatsRecorder&) = delete;

  void CountStory(std::string_view channel);
  // An LLM story that came back after `seconds` (its latency lands in a bucket).
  void ObserveLlmCall(double seconds);
  // An LLM story that failed and was written offline instead (a call, and a fallback).
  void CountLlmFallback();
  void CountDeadLettered();
  // The job runner's waiting jobs now; each hour keeps its peak. The last value is carried into
  // every flush so a quiet hour with jobs still waiting shows them.
  void SetJobsWaiting(std::int64_t jobs);
  void CountFeedback(bool up);

  // Writes what has been counted; `done` (may be null) runs on the store's writer thread once
  // this and every earlier flush have committed. A failed write keeps the counts for the next
  // flush.
  void Flush(std::function<void(Status)> done = nullptr);
  // Starts the periodic flush.
  void Start();
  // Stops it and writes what is left (waits for the write).
  void Stop();

 private:
  using Key = std::tuple<std::int64_t, std::string, std::string>;  // hour, series, label
  struct Cell {
    std::int64_t value = 0;
    RollupMerge merge = RollupMerge::kAdd;
  };
  void Record(std::string_view series, std::string_view label, std::int64_t value,
              RollupMerge merge);
  void RecordLocked(std::int64_t hour, std::string_view series, std::string_view label,
                    std::int64_t value, RollupMerge merge);
  void Loop(Clock::SteadyTime next);

  StatsStore& store_;
  Clock& clock_;
  StatsRecorderOptions options_;
  std::mutex flush_order_;  // held while counts are taken and submitted; never by `done`
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<Key, Cell> pending_;
  std::int64_t jobs_waiting_ = 0;
  bool running_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace storybot
