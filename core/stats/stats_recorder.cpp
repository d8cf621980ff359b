#include "core/stats/stats_recorder.h"

#include <algorithm>
#include <future>
#include <vector>

#include "core/stats/latency.h"

namespace storybot {

StatsRecorder::StatsRecorder(StatsStore& store, Clock& clock, StatsRecorderOptions options)
    : store_(store), clock_(clock), options_(options) {}

StatsRecorder::~StatsRecorder() { Stop(); }

void StatsRecorder::CountStory(std::string_view channel) {
  Record(rollup::kStories, channel, 1, RollupMerge::kAdd);
}

void StatsRecorder::ObserveLlmCall(double seconds) {
  Record(rollup::kLlmCalls, "", 1, RollupMerge::kAdd);
  Record(rollup::kLlmLatency, LatencyBucketLabel(LatencyBucket(seconds * 1000.0)), 1,
         RollupMerge::kAdd);
}

void StatsRecorder::CountLlmFallback() {
  Record(rollup::kLlmCalls, "", 1, RollupMerge::kAdd);
  Record(rollup::kLlmFallbacks, "", 1, RollupMerge::kAdd);
}

void StatsRecorder::CountDeadLettered() { Record(rollup::kJobsDead, "", 1, RollupMerge::kAdd); }

void StatsRecorder::SetJobsWaiting(std::int64_t jobs) {
  const std::int64_t hour = HourStart(clock_.UnixSeconds());
  std::lock_guard lock(mutex_);
  jobs_waiting_ = jobs;
  RecordLocked(hour, rollup::kJobsWaiting, "", jobs, RollupMerge::kMax);
}

void StatsRecorder::CountFeedback(bool up) {
  Record(rollup::kFeedback, up ? "up" : "down", 1, RollupMerge::kAdd);
}

void StatsRecorder::Record(std::string_view series, std::string_view label, std::int64_t value,
                           RollupMerge merge) {
  const std::int64_t hour = HourStart(clock_.UnixSeconds());
  std::lock_guard lock(mutex_);
  RecordLocked(hour, series, label, value, merge);
}

void StatsRecorder::RecordLocked(std::int64_t hour, std::string_view series, std::string_view label,
                                 std::int64_t value, RollupMerge merge) {
  Cell& cell = pending_[Key{hour, std::string(series), std::string(label)}];
  cell.merge = merge;
  cell.value = merge == RollupMerge::kAdd ? cell.value + value : std::max(cell.value, value);
}

void StatsRecorder::Flush(std::function<void(Status)> done) {
  // Counts are taken and handed to the store's writer in one order, and the writer commits in
  // that order: so a caller's `done` (a chart read) runs only after every earlier flush has
  // committed, also when this flush has nothing of its own (another read took the counts).
  std::lock_guard order(flush_order_);
  std::map<Key, Cell> taken;
  {
    const std::int64_t hour = HourStart(clock_.UnixSeconds());
    std::lock_guard lock(mutex_);
    if (jobs_waiting_ > 0) {
      RecordLocked(hour, rollup::kJobsWaiting, "", jobs_waiting_, RollupMerge::kMax);
    }
    taken.swap(pending_);
  }
  if (taken.empty() && !done) return;
  std::vector<RollupDelta> deltas;
  deltas.reserve(taken.size());
  for (const auto& [key, cell] : taken) {
    deltas.push_back(
        {std::get<0>(key), std::get<1>(key), std::get<2>(key), cell.value, cell.merge});
  }
  store_.Apply(std::move(deltas), [this, taken = std::move(taken),
                                   done = std::move(done)](Status status) mutable {
    if (!status.ok()) {  // kept for the next flush: a full disk loses no counts
      std::lock_guard lock(mutex_);
      for (const auto& [key, cell] : taken) {
        RecordLocked(std::get<0>(key), std::get<1>(key), std::get<2>(key), cell.value, cell.merge);
      }
    }
    if (done) done(std::move(status));
  });
}

void StatsRecorder::Start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  // The first deadline is taken here, not in the thread: a clock that moves before the thread
  // runs still finds the flush due.
  const auto first = clock_.SteadyNow() + options_.flush_every;
  thread_ = std::thread([this, first] { Loop(first); });
}

void StatsRecorder::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::promise<void> written;
  Flush([&written](const Status&) { written.set_value(); });
  written.get_future().wait();
}

void StatsRecorder::Loop(Clock::SteadyTime next) {
  std::unique_lock lock(mutex_);
  while (running_) {
    clock_.WaitUntil(wake_, lock, next);
    if (!running_ || clock_.SteadyNow() < next) continue;
    next = clock_.SteadyNow() + options_.flush_every;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace storybot
