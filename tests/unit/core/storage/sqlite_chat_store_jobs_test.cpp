// The admin's view of jobs on a real SQLite file: listing by state (newest first, with the trace
// id from the stored message), re-queuing a dead or failed job (attempts reset, its reply kept)
// and discarding one (gone from the lists, still a duplicate for a redelivery).
#include <gtest/gtest.h>

#include <future>

#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_chat_store.h"
#include "tests/support/database_fixture.h"
#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

class SqliteChatStoreJobsTest : public test::DatabaseFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    store_ = std::make_unique<SqliteChatStore>(*db_, *writer_);
  }

  EnqueueResult Enqueue(const std::string& key, const std::string& chat = "c1") {
    InboundMessage m;
    m.channel = "telegram";
    m.chat_id = chat;
    m.text = "owls";
    m.trace_id = "trace-" + key;
    std::promise<Result<EnqueueResult>> p;
    store_->Enqueue(key, m, [&](Result<EnqueueResult> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : EnqueueResult{};
  }
  Job JobWithId(std::int64_t id) {
    Job job;
    job.id = id;
    job.message.channel = "telegram";
    job.message.chat_id = "c1";
    return job;
  }
  void Wait(const std::function<void(std::function<void(Status)>)>& call) {
    std::promise<Status> p;
    call([&](Status s) { p.set_value(std::move(s)); });
    Status s = p.get_future().get();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  // A job that was written, sent `attempts` times and then gave up with `end`.
  std::int64_t GivenUp(const std::string& key, JobEnd end, int attempts) {
    const std::int64_t id = Enqueue(key).job_id;
    Wait([&](auto done) { store_->SaveReply(JobWithId(id), "the reply", {}, done); });
    Wait([&](auto done) { store_->RetryLater(id, attempts, 1, "sendMessage: 502", done); });
    Wait([&](auto done) { store_->Finish(id, end, "sendMessage: 400 chat not found", done); });
    return id;
  }
  Result<Job> Requeue(std::int64_t id) {
    std::promise<Result<Job>> p;
    store_->Requeue(id, [&](Result<Job> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  Status Discard(std::int64_t id) {
    std::promise<Status> p;
    store_->Discard(id, [&](Status s) { p.set_value(std::move(s)); });
    return p.get_future().get();
  }
  std::vector<JobSummary> List(const std::string& state, int limit = 50) {
    auto r = store_->ListJobs(state, limit);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::vector<JobSummary>{};
  }
  std::vector<std::int64_t> Ids(const std::vector<JobSummary>& jobs) {
    std::vector<std::int64_t> ids;
    for (const JobSummary& j : jobs) ids.push_back(j.id);
    return ids;
  }

  std::unique_ptr<SqliteChatStore> store_;
};

TEST_F(SqliteChatStoreJobsTest, ListsEachStateNewestFirstAndNeverDoneJobs) {
  const std::int64_t waiting = Enqueue("w").job_id;
  const std::int64_t retrying = Enqueue("r").job_id;
  Wait(
      [&](auto done) { store_->RetryLater(retrying, 2, 0, "sendMessage: 502 Bad Gateway", done); });
  const std::int64_t dead = GivenUp("d", JobEnd::kDead, 4);
  const std::int64_t failed = GivenUp("f", JobEnd::kFailed, 0);
  const std::int64_t done = Enqueue("ok").job_id;
  Wait([&](auto d) { store_->Finish(done, JobEnd::kDone, "", d); });

  EXPECT_EQ(Ids(List("")), (std::vector<std::int64_t>{failed, dead, retrying, waiting}));
  EXPECT_EQ(Ids(List("waiting")), std::vector<std::int64_t>{waiting});
  EXPECT_EQ(Ids(List("retrying")), std::vector<std::int64_t>{retrying});
  EXPECT_EQ(Ids(List("dead")), std::vector<std::int64_t>{dead});
  EXPECT_EQ(Ids(List("failed")), std::vector<std::int64_t>{failed});
  EXPECT_EQ(Ids(List("", 2)), (std::vector<std::int64_t>{failed, dead}));

  const JobSummary d = List("dead").at(0);
  EXPECT_EQ(d.channel, "telegram");
  EXPECT_EQ(d.chat_id, "c1");
  EXPECT_EQ(d.state, "dead");
  EXPECT_EQ(d.attempts, 4);
  EXPECT_EQ(d.last_error, "sendMessage: 400 chat not found");
  EXPECT_EQ(d.trace_id, "trace-d");
  EXPECT_FALSE(d.created_at.empty());
  EXPECT_GE(d.updated_at, d.created_at);
  const JobSummary r = List("retrying").at(0);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.last_error, "sendMessage: 502 Bad Gateway");
  EXPECT_EQ(List("waiting").at(0).last_error, "");
}

TEST_F(SqliteChatStoreJobsTest, RequeueMakesADeadJobPendingWithItsReplyAndNoAttempts) {
  const std::int64_t dead = GivenUp("d", JobEnd::kDead, 4);
  auto job = Requeue(dead);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job.value().id, dead);
  EXPECT_EQ(job.value().attempts, 0);
  EXPECT_EQ(job.value().dedupe_key, "d");
  EXPECT_EQ(job.value().message.trace_id, "trace-d");
  ASSERT_TRUE(job.value().reply.has_value());  // resent, not written again
  EXPECT_EQ(*job.value().reply, "the reply");
  EXPECT_EQ(job.value().pieces_sent, 1);  // pieces already out are not sent twice

  const auto listed = List("waiting");
  ASSERT_EQ(Ids(listed), std::vector<std::int64_t>{dead});
  EXPECT_EQ(listed[0].last_error, "");
  EXPECT_TRUE(List("dead").empty());
  // What a restart resumes: the re-queued job, exactly as handed to the runner.
  auto pending = store_->PendingJobs();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending.value().size(), 1u);
  EXPECT_EQ(pending.value()[0].id, dead);
  EXPECT_EQ(pending.value()[0].attempts, 0);
  // Pending now: a second retry is a conflict, not a second run.
  auto again = Requeue(dead);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(SqliteChatStoreJobsTest, RequeueAcceptsFailedJobsAndRefusesOthers) {
  const std::int64_t failed = GivenUp("f", JobEnd::kFailed, 0);
  EXPECT_TRUE(Requeue(failed).ok());

  const std::int64_t waiting = Enqueue("w").job_id;
  auto pending = Requeue(waiting);
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.error().code, ErrorCode::kConflict);
  EXPECT_NE(pending.error().message.find("pending"), std::string::npos) << pending.error().message;

  const std::int64_t done = Enqueue("ok").job_id;
  Wait([&](auto d) { store_->Finish(done, JobEnd::kDone, "", d); });
  auto finished = Requeue(done);
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().code, ErrorCode::kConflict);

  auto unknown = Requeue(9999);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_F(SqliteChatStoreJobsTest, DiscardRemovesAGivenUpJobButKeepsItsDedupeKey) {
  const std::int64_t dead = GivenUp("d", JobEnd::kDead, 4);
  const std::int64_t failed = GivenUp("f", JobEnd::kFailed, 0);
  const std::int64_t waiting = Enqueue("w").job_id;

  ASSERT_TRUE(Discard(dead).ok());
  ASSERT_TRUE(Discard(failed).ok());
  EXPECT_EQ(Ids(List("")), std::vector<std::int64_t>{waiting});
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats.value().jobs_dead, 0);
  EXPECT_EQ(stats.value().jobs_failed, 0);

  // Gone for the admin: a second discard or a retry is 404.
  Status twice = Discard(dead);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kNotFound);
  auto retry = Requeue(dead);
  ASSERT_FALSE(retry.ok());
  EXPECT_EQ(retry.error().code, ErrorCode::kNotFound);
  // A redelivery of the discarded message is still recognised: it is not answered again.
  EXPECT_TRUE(Enqueue("d").duplicate);

  Status pending = Discard(waiting);
  ASSERT_FALSE(pending.ok());
  EXPECT_EQ(pending.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Discard(424242).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace storybot
