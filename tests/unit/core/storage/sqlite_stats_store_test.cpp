// Hourly rollups on a real SQLite file, counted by the StatsRecorder on a FakeClock: counts land
// in the hour they happened (across an hour boundary), repeated flushes add up, gauges keep the
// hour's peak, nothing reaches the database before a flush, and the periodic flush writes.
#include "core/storage/sqlite_stats_store.h"

#include <gtest/gtest.h>

#include <future>

#include "core/stats/stats_recorder.h"
#include "core/stats/timeseries.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "tests/support/database_fixture.h"
#include "tests/support/fake_clock.h"
#include "tests/support/storybot_process.h"
#include "tests/support/wait_for.h"

namespace storybot {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kTen = 1764669600;  // 2025-12-02T10:00:00Z

class SqliteStatsStoreTest : public test::DatabaseFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    store_ = std::make_unique<SqliteStatsStore>(*db_, *writer_);
    recorder_ = std::make_unique<StatsRecorder>(*store_, clock_);
  }
  void TearDown() override {
    recorder_.reset();
    writer_->Stop();
  }
  void Flush() {
    std::promise<Status> p;
    recorder_->Flush([&](Status s) { p.set_value(std::move(s)); });
    Status s = p.get_future().get();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  // hour -> value of one stored series and label
  std::map<std::int64_t, std::int64_t> Stored(const std::string& series,
                                              const std::string& label = "") {
    auto rows = store_->Read({series}, kTen - 24 * 3600, kTen + 24 * 3600);
    EXPECT_TRUE(rows.ok());
    std::map<std::int64_t, std::int64_t> by_hour;
    for (const RollupRow& r : rows.value()) {
      if (r.label == label) by_hour[r.hour] = r.value;
    }
    return by_hour;
  }

  // 10:59:59 UTC: one second before an hour boundary.
  test::FakeClock clock_{std::chrono::system_clock::time_point(seconds(kTen + 3599))};
  std::unique_ptr<SqliteStatsStore> store_;
  std::unique_ptr<StatsRecorder> recorder_;
};

TEST_F(SqliteStatsStoreTest, CountsLandInTheHourTheyHappened) {
  recorder_->CountStory("telegram");
  recorder_->CountStory("telegram");
  recorder_->CountStory("webhook");
  clock_.Advance(seconds(1));  // 11:00:00
  recorder_->CountStory("telegram");
  EXPECT_TRUE(Stored("stories", "telegram").empty());  // nothing written before a flush
  Flush();
  EXPECT_EQ(Stored("stories", "telegram"),
            (std::map<std::int64_t, std::int64_t>{{kTen, 2}, {kTen + 3600, 1}}));
  EXPECT_EQ(Stored("stories", "webhook"), (std::map<std::int64_t, std::int64_t>{{kTen, 1}}));
}

TEST_F(SqliteStatsStoreTest, FlushesAddUpAndAnEmptyFlushWritesNothing) {
  recorder_->CountDeadLettered();
  Flush();
  recorder_->CountDeadLettered();
  recorder_->CountDeadLettered();
  Flush();
  Flush();
  EXPECT_EQ(Stored("jobs_dead"), (std::map<std::int64_t, std::int64_t>{{kTen, 3}}));
}

TEST_F(SqliteStatsStoreTest, WaitingJobsKeepTheHoursPeakAndCarryIntoTheNextHour) {
  recorder_->SetJobsWaiting(3);
  recorder_->SetJobsWaiting(7);
  recorder_->SetJobsWaiting(2);
  Flush();
  recorder_->SetJobsWaiting(5);  // lower than the stored peak: the peak stays
  Flush();
  clock_.Advance(seconds(3600));  // a quiet hour with two jobs still waiting
  Flush();
  EXPECT_EQ(Stored("jobs_waiting"),
            (std::map<std::int64_t, std::int64_t>{{kTen, 7}, {kTen + 3600, 5}}));
}

TEST_F(SqliteStatsStoreTest, LlmCallsFillLatencyBucketsAndFallbacks) {
  recorder_->ObserveLlmCall(0.8);   // 500..1000 ms
  recorder_->ObserveLlmCall(0.9);   // 500..1000 ms
  recorder_->ObserveLlmCall(70.0);  // slower than every bound
  recorder_->CountLlmFallback();
  Flush();
  EXPECT_EQ(Stored("llm_latency_ms", "1000"), (std::map<std::int64_t, std::int64_t>{{kTen, 2}}));
  EXPECT_EQ(Stored("llm_latency_ms", "inf"), (std::map<std::int64_t, std::int64_t>{{kTen, 1}}));
  EXPECT_EQ(Stored("llm_calls"), (std::map<std::int64_t, std::int64_t>{{kTen, 4}}));
  EXPECT_EQ(Stored("llm_fallbacks"), (std::map<std::int64_t, std::int64_t>{{kTen, 1}}));

  // Read back as the API does: one hour with p50 in the 500..1000 bucket.
  const auto times = HourRange(clock_.UnixSeconds(), 24);
  auto rows =
      store_->Read(StoredSeriesFor(ChartSeries::kLlmLatency), times.front(), times.back() + 3600);
  ASSERT_TRUE(rows.ok());
  const Timeseries chart = BuildTimeseries(ChartSeries::kLlmLatency, rows.value(), times, {});
  EXPECT_DOUBLE_EQ(*chart.lines[0].values.back(), 500.0 + 500.0 * 1.5 / 2.0);
}

TEST_F(SqliteStatsStoreTest, ReadsOnlyTheAskedHoursAndSeries) {
  recorder_->CountStory("slack");
  recorder_->CountFeedback(true);
  Flush();
  auto rows = store_->Read({"stories"}, kTen + 3600, kTen + 7200);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows.value().empty());
  rows = store_->Read({"stories"}, kTen, kTen + 3600);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows.value().size(), 1u);
  EXPECT_EQ(rows.value()[0].label, "slack");
}

TEST_F(SqliteStatsStoreTest, ThePeriodicFlushWritesWithoutAReader) {
  recorder_->Start();
  recorder_->CountStory("telegram");
  clock_.Advance(seconds(10));  // the flush interval on the fake clock; no sleeping
  EXPECT_TRUE(test::WaitFor([&] { return !Stored("stories", "telegram").empty(); }));
}

TEST_F(SqliteStatsStoreTest, StopWritesWhatIsLeft) {
  recorder_->Start();
  recorder_->CountStory("webhook");
  recorder_->Stop();
  EXPECT_EQ(Stored("stories", "webhook"), (std::map<std::int64_t, std::int64_t>{{kTen, 1}}));
}

}  // namespace
}  // namespace storybot
