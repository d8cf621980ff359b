// The job runner with the real SQLite store and group-commit writer, a scripted story backend and
// a recording sender; storage failures injected by a wrapper around the store, time by a fake
// clock.
#include "core/jobs/job_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_chat_store.h"
#include "core/storage/sqlite_prompt_store.h"
#include "core/storage/sqlite_stats_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/storybot_process.h"
#include "tests/support/wait_for.h"

namespace storybot {
namespace {

// Writes "story #n for <request> (chapter c)" and remembers each request.
class ScriptedBackend final : public StoryBackend {
 public:
  std::string_view name() const override { return "scripted"; }
  void Generate(StoryRequest request, StoryCallback done) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    done(Story{"story #" + std::to_string(requests.size()) + " for " + request.request +
                   " (chapter " + std::to_string(request.chapter) + ")",
               "scripted", 0, 0, false});
  }
  std::mutex mutex_;
  std::vector<StoryRequest> requests;
};

// Records replies; fails the first `failures` sends with `outcome` (reporting `pieces_out`
// pieces delivered before the failure).
class RecordingSender final : public ReplySender {
 public:
  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override {
    {
      std::lock_guard lock(mutex_);
      calls.push_back(reply);
      if (failures > 0) {
        --failures;
        ++failed_attempts;
      } else {
        sent.push_back(reply);
        cv_.notify_all();
        done({SendOutcome::kSent, "", 0});
        return;
      }
    }
    done({outcome, "scripted failure", 0, pieces_out});
  }
  bool WaitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return sent.size() >= count; });
  }
  std::size_t calls_made() {
    std::lock_guard lock(mutex_);
    return calls.size();
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<OutboundReply> sent;
  std::vector<OutboundReply> calls;  // every Send, failed or not
  int failures = 0;
  int failed_attempts = 0;
  int pieces_out = 0;
  SendOutcome outcome = SendOutcome::kRetry;
};

// Which store calls fail, as a full disk makes them fail; counts every call.
struct Faults {
  std::atomic<bool> load{false};
  std::atomic<bool> save_reply{false};
  std::atomic<bool> retry_later{false};
  std::atomic<bool> finish{false};
  std::atomic<int> load_calls{0};
  std::atomic<int> save_reply_calls{0};
  std::atomic<int> retry_later_calls{0};
  std::atomic<int> finish_calls{0};
};

const Error kDiskFull = Unavailable("database write failed: database or disk is full");

// The real store behind a switchboard of injected failures (nothing is written when one fires).
class FaultyStore final : public ChatStore {
 public:
  FaultyStore(ChatStore& store, Faults& faults) : store_(store), faults_(faults) {}
  void Enqueue(const std::string& key, const InboundMessage& m,
               std::function<void(Result<EnqueueResult>)> done) override {
    store_.Enqueue(key, m, std::move(done));
  }
  Result<std::vector<Job>> PendingJobs() override { return store_.PendingJobs(); }
  Result<ChatState> LoadChat(const std::string& channel, const std::string& chat_id) override {
    ++faults_.load_calls;
    if (faults_.load) return kDiskFull;
    return store_.LoadChat(channel, chat_id);
  }
  void SaveReply(const Job& job, const std::string& reply, const ChatUpdate& update,
                 std::function<void(Status)> done) override {
    ++faults_.save_reply_calls;
    if (faults_.save_reply) return done(kDiskFull);
    store_.SaveReply(job, reply, update, std::move(done));
  }
  void RetryLater(std::int64_t id, int attempts, int pieces, const std::string& error,
                  std::function<void(Status)> done) override {
    ++faults_.retry_later_calls;
    if (faults_.retry_later) return done(kDiskFull);
    store_.RetryLater(id, attempts, pieces, error, std::move(done));
  }
  void Finish(std::int64_t id, JobEnd end, const std::string& error,
              std::function<void(Status)> done) override {
    ++faults_.finish_calls;
    if (faults_.finish) return done(kDiskFull);
    store_.Finish(id, end, error, std::move(done));
  }
  Result<std::vector<Conversation>> RecentConversations(const ConversationFilter& f) override {
    return store_.RecentConversations(f);
  }
  Result<Conversation> Transcript(std::int64_t id) override { return store_.Transcript(id); }
  void ResetConversation(std::int64_t id, std::function<void(Status)> done) override {
    store_.ResetConversation(id, std::move(done));
  }
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> PromptUsage() override {
    return store_.PromptUsage();
  }
  std::uint64_t PromptUsageGeneration() const override { return store_.PromptUsageGeneration(); }
  Result<ChatStats> Stats() override { return store_.Stats(); }
  Result<std::vector<JobSummary>> ListJobs(const std::string& state, int limit) override {
    return store_.ListJobs(state, limit);
  }
  void Requeue(std::int64_t id, std::function<void(Result<Job>)> done) override {
    store_.Requeue(id, std::move(done));
  }
  void Discard(std::int64_t id, std::function<void(Status)> done) override {
    store_.Discard(id, std::move(done));
  }

 private:
  ChatStore& store_;
  Faults& faults_;
};

// Waits (bounded, in real time) for something the runner's threads do.
template <class Predicate>
bool Eventually(Predicate done) {
  return test::WaitFor(done, std::chrono::seconds(5), std::chrono::milliseconds(5));
}

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_ = std::make_unique<Metrics>("test", std::vector<std::string>{"test"});
    logger_ = Logger::Open({"", LogLevel::kError, false}).value();
    Open();
  }
  void TearDown() override { Close(); }

  void Open() {
    const std::string path = dir_.File("storybot.db");
    db_ = Database::Open(path).value();
    writer_ = GroupCommitWriter::Open(path).value();
    store_ = std::make_unique<SqliteChatStore>(*db_, *writer_);
    faulty_ = std::make_unique<FaultyStore>(*store_, faults_);
    prompt_store_ = std::make_unique<SqlitePromptStore>(*db_);
    prompts_ = std::make_unique<PromptService>(*prompt_store_);
  }
  void Close() {
    if (runner_) runner_->Stop(std::chrono::seconds(5));
    runner_.reset();
    writer_.reset();
    faulty_.reset();
    store_.reset();
    prompts_.reset();
    prompt_store_.reset();
    db_.reset();
  }
  void StartRunner(JobRunnerOptions options = {}) {
    if (options.clock == nullptr) options.first_retry = std::chrono::milliseconds(10);
    runner_ = std::make_unique<JobRunner>(*faulty_, *prompts_, backend_,
                                          std::map<std::string, ReplySender*>{{"test", &sender_}},
                                          EngineOptions{}, *metrics_, *logger_, options);
    ASSERT_TRUE(runner_->Start().ok());
  }

  // Enqueues durably and, like a channel, hands the committed job to the runner.
  EnqueueResult Deliver(const std::string& key, const std::string& chat, const std::string& text) {
    InboundMessage m;
    m.channel = "test";
    m.chat_id = chat;
    m.user_name = "Ada";
    m.text = text;
    std::promise<Result<EnqueueResult>> committed;
    store_->Enqueue(key, m, [&](Result<EnqueueResult> r) { committed.set_value(std::move(r)); });
    Result<EnqueueResult> result = committed.get_future().get();
    EXPECT_TRUE(result.ok());
    if (runner_ && !result.value().duplicate) {
      runner_->Submit({result.value().job_id, key, m, 0, std::nullopt});
    }
    return result.value();
  }

  std::vector<std::string> RepliesTo(const std::string& chat) {
    std::lock_guard lock(sender_.mutex_);
    std::vector<std::string> out;
    for (const auto& r : sender_.sent) {
      if (r.chat_id == chat) out.push_back(r.text);
    }
    return out;
  }

  test::TempDir dir_;
  std::unique_ptr<Metrics> metrics_;
  std::shared_ptr<Logger> logger_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<SqliteChatStore> store_;
  Faults faults_;
  std::unique_ptr<FaultyStore> faulty_;
  test::FakeClock clock_;
  std::unique_ptr<SqlitePromptStore> prompt_store_;
  std::unique_ptr<PromptService> prompts_;
  ScriptedBackend backend_;
  RecordingSender sender_;
  std::unique_ptr<JobRunner> runner_;
};

TEST_F(JobRunnerTest, AnswersEveryDeliveryOnceInOrderPerChat) {
  StartRunner();
  for (int i = 0; i < 5; ++i)
    Deliver("a" + std::to_string(i), "chat-a", "wish " + std::to_string(i));
  for (int i = 0; i < 3; ++i) Deliver("b" + std::to_string(i), "chat-b", "/help");
  ASSERT_TRUE(sender_.WaitFor(8));
  const auto a = RepliesTo("chat-a");
  ASSERT_EQ(a.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_NE(a[static_cast<std::size_t>(i)].find("wish " + std::to_string(i)), std::string::npos);
  }
  EXPECT_EQ(RepliesTo("chat-b").size(), 3u);
  // Sent first, then marked done: wait (bounded) for the marks.
  Eventually([&] { return store_->Stats().value().jobs_done >= 8; });
  EXPECT_EQ(store_->Stats().value().jobs_done, 8);
  EXPECT_EQ(store_->Stats().value().jobs_pending, 0);
}

TEST_F(JobRunnerTest, DuplicateDeliveriesMakeNoSecondJob) {
  StartRunner();
  EXPECT_FALSE(Deliver("same", "c", "dragons").duplicate);
  EXPECT_TRUE(Deliver("same", "c", "dragons").duplicate);
  ASSERT_TRUE(sender_.WaitFor(1));
  // One job in the store, and it is finished: no second reply can follow. The runner forgets the
  // job just after the store has marked it done, so wait for both.
  ASSERT_TRUE(Eventually([&] {
    return store_->Stats().value().jobs_done == 1 && runner_->pending() == 0;
  }));
  EXPECT_EQ(store_->Stats().value().jobs_pending, 0);
  EXPECT_EQ(RepliesTo("c").size(), 1u);
}

TEST_F(JobRunnerTest, FailedSendsAreRetriedWithoutWritingAgain) {
  sender_.failures = 2;
  StartRunner();
  Deliver("k", "c", "owls");
  ASSERT_TRUE(sender_.WaitFor(1));
  EXPECT_EQ(sender_.failed_attempts, 2);
  EXPECT_EQ(backend_.requests.size(), 1u);  // one story, sent on the third try
  EXPECT_EQ(RepliesTo("c").size(), 1u);
}

TEST_F(JobRunnerTest, GivesUpAfterMaxAttempts) {
  sender_.failures = 100;
  JobRunnerOptions options;
  options.max_attempts = 3;
  StartRunner(options);
  Deliver("k", "c", "owls");
  Eventually([&] { return store_->Stats().value().jobs_dead != 0; });
  EXPECT_EQ(store_->Stats().value().jobs_dead, 1);
  EXPECT_EQ(sender_.failed_attempts, 3);
  EXPECT_NE(metrics_->Render().find("storybot_jobs_dead_total 1"), std::string::npos);
}

// The hourly charts' counts: a story written (per channel), a text reply that is no story, a dead
// letter and the waiting jobs, read back from the rollups after a flush.
TEST_F(JobRunnerTest, CountsStoriesDeadLettersAndWaitingJobsForTheCharts) {
  SqliteStatsStore stats_store(*db_, *writer_);
  StatsRecorder stats(stats_store, Clock::Real());
  sender_.failures = 100;
  JobRunnerOptions options;
  options.max_attempts = 2;
  options.stats = &stats;
  StartRunner(options);
  Deliver("k1", "c1", "owls");
  Deliver("k2", "c2", "/help");
  ASSERT_TRUE(Eventually([&] { return store_->Stats().value().jobs_dead == 2; }));
  runner_->Stop(std::chrono::seconds(5));
  std::promise<Status> flushed;
  stats.Flush([&](Status s) { flushed.set_value(std::move(s)); });
  ASSERT_TRUE(flushed.get_future().get().ok());
  const std::int64_t hour = HourStart(Clock::Real().UnixSeconds());
  auto rows = stats_store.Read({"stories", "jobs_dead", "jobs_waiting"}, hour - 3600, hour + 3600);
  ASSERT_TRUE(rows.ok());
  std::map<std::string, std::int64_t> total;
  for (const RollupRow& r : rows.value()) total[r.series + "/" + r.label] += r.value;
  EXPECT_EQ(total["stories/test"], 1);  // /help is answered, but it is no story
  EXPECT_EQ(total["jobs_dead/"], 2);
  EXPECT_GE(total["jobs_waiting/"], 1);
}

// An admin's retry (POST /api/jobs/{id}/retry): the dead job is committed as pending, handed to
// the running runner and answered once with the story written before, with every attempt again.
TEST_F(JobRunnerTest, ARequeuedDeadJobIsSentOnceWithItsStoryAndFullAttempts) {
  sender_.failures = 3;
  JobRunnerOptions options;
  options.max_attempts = 3;
  StartRunner(options);
  const std::int64_t id = Deliver("k", "c", "owls").job_id;
  ASSERT_TRUE(Eventually([&] { return store_->Stats().value().jobs_dead == 1; }));
  ASSERT_TRUE(Eventually([&] { return runner_->pending() == 0; }));
  EXPECT_TRUE(RepliesTo("c").empty());

  sender_.failures = 2;  // still flaky: the retry gets all max_attempts again
  std::promise<Result<Job>> requeued;
  store_->Requeue(id, [&](Result<Job> job) { requeued.set_value(std::move(job)); });
  Result<Job> job = requeued.get_future().get();
  ASSERT_TRUE(job.ok()) << job.error().message;
  runner_->Requeue(std::move(job).value());
  ASSERT_TRUE(sender_.WaitFor(1));
  ASSERT_TRUE(Eventually([&] { return store_->Stats().value().jobs_done == 1; }));
  EXPECT_EQ(store_->Stats().value().jobs_dead, 0);
  EXPECT_EQ(store_->Stats().value().jobs_pending, 0);
  EXPECT_EQ(sender_.failed_attempts, 5);
  EXPECT_EQ(backend_.requests.size(), 1u);  // the saved story, not a new one
  const auto replies = RepliesTo("c");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(replies[0].find("story #1 for"), std::string::npos) << replies[0];
}

TEST_F(JobRunnerTest, PermanentFailureIsNotRetried) {
  sender_.failures = 1;
  sender_.outcome = SendOutcome::kPermanent;
  StartRunner();
  Deliver("k", "c", "owls");
  Eventually([&] { return store_->Stats().value().jobs_failed != 0; });
  EXPECT_EQ(store_->Stats().value().jobs_failed, 1);
  EXPECT_EQ(sender_.failed_attempts, 1);
}

TEST_F(JobRunnerTest, UnfinishedJobsResumeAfterARestart) {
  Deliver("r1", "c", "first");  // stored, no runner yet: as if the process died after the 2xx
  Deliver("r2", "c", "second");
  Close();
  Open();
  StartRunner();
  ASSERT_TRUE(sender_.WaitFor(2));
  const auto replies = RepliesTo("c");
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_NE(replies[0].find("first"), std::string::npos);
  EXPECT_NE(replies[1].find("second"), std::string::npos);
}

TEST_F(JobRunnerTest, ContinueAndResetUseTheConversation) {
  StartRunner();
  Deliver("1", "c", "a brave mouse");
  Deliver("2", "c", "/continue");
  ASSERT_TRUE(sender_.WaitFor(2));
  ASSERT_EQ(backend_.requests.size(), 2u);
  const StoryRequest& next = backend_.requests[1];
  EXPECT_EQ(next.chapter, 2);
  EXPECT_EQ(next.request, "a brave mouse");
  EXPECT_EQ(next.seed, backend_.requests[0].seed);
  ASSERT_GE(next.history.size(), 2u);
  EXPECT_EQ(next.history.back().content, RepliesTo("c")[0]);
  Deliver("3", "c", "/reset");
  Deliver("4", "c", "/continue");
  ASSERT_TRUE(sender_.WaitFor(4));
  EXPECT_NE(RepliesTo("c")[3].find("no story to continue"), std::string::npos);
  ConversationFilter only_test;
  only_test.channel = "test";
  only_test.limit = 10;
  auto conversations = store_->RecentConversations(only_test);
  ASSERT_TRUE(conversations.ok());
  ASSERT_EQ(conversations.value().size(), 1u);
  EXPECT_EQ(conversations.value()[0].messages.size(), 8u);  // 4 asked, 4 answered
}

// ---- Storage failures (issue 12, item 2): held and retried, never blamed on the channel ----

class JobRunnerStorageTest : public JobRunnerTest {
 protected:
  void StartWithFakeClock(int max_attempts = 5) {
    JobRunnerOptions options;
    options.clock = &clock_;
    options.max_attempts = max_attempts;
    options.first_retry = std::chrono::seconds(1);
    options.store_first_retry = std::chrono::milliseconds(500);
    options.store_max_retry = std::chrono::seconds(30);
    StartRunner(options);
  }
  // Once the job is held (its retry's due time taken from the clock), moves the fake clock on
  // and waits until `calls` has grown past `seen`.
  bool AdvanceUntilCalled(std::atomic<int>& calls, int seen, std::chrono::milliseconds by) {
    if (!Eventually([&] { return runner_->held() == 1; })) return false;
    clock_.Advance(by);
    return Eventually([&] { return calls.load() > seen; });
  }
  // Moves the fake clock and returns once the runner's loop has looked at the new time: it has
  // entered its wait twice since, so one whole pass ran after the advance. Anything due by then
  // has been taken off the held list.
  bool AdvanceAndSettle(std::chrono::milliseconds by) {
    const long waits = clock_.waits();
    clock_.Advance(by);
    return Eventually([&] { return clock_.waits() >= waits + 2; });
  }
  std::int64_t StorageErrors(const std::string& operation) {
    const std::string text = metrics_->Render();
    const std::string key = "storybot_storage_errors_total{operation=\"" + operation + "\"} ";
    const auto at = text.find(key);
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + key.size()));
  }
  ChatStats Stats() { return store_->Stats().value(); }
};

TEST_F(JobRunnerStorageTest, ASentReplyThatCannotBeMarkedSentIsHeldAndNeverSentAgain) {
  faults_.finish = true;  // the disk filled while the reply was on its way
  StartWithFakeClock();
  Deliver("k", "c", "owls");
  ASSERT_TRUE(sender_.WaitFor(1));
  ASSERT_TRUE(Eventually([&] { return runner_->held() == 1; }));
  EXPECT_EQ(faults_.finish_calls, 1);
  // Backoff: nothing before 500 ms, then 1 s, 2 s, ... (fake time); never another send.
  ASSERT_TRUE(AdvanceAndSettle(std::chrono::milliseconds(400)));
  EXPECT_EQ(runner_->held(), 1);  // still held: its retry was not taken at 400 ms
  EXPECT_EQ(faults_.finish_calls, 1);
  for (int i = 0; i < 8; ++i) {
    const int seen = faults_.finish_calls;
    ASSERT_TRUE(AdvanceUntilCalled(faults_.finish_calls, seen, std::chrono::seconds(30)));
  }
  EXPECT_EQ(sender_.calls_made(), 1u);
  EXPECT_EQ(Stats().jobs_pending, 1);
  EXPECT_EQ(Stats().jobs_dead, 0);
  EXPECT_TRUE(Eventually([&] { return runner_->held() == 1; }));
  EXPECT_TRUE(Eventually([&] { return StorageErrors("finish") >= 9; }));
  EXPECT_NE(metrics_->Render().find("storybot_jobs_held 1"), std::string::npos);

  faults_.finish = false;  // space again
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(Eventually([&] { return Stats().jobs_done == 1; }));
  EXPECT_EQ(runner_->pending(), 0);
  EXPECT_EQ(runner_->held(), 0);
  // And a restart finds nothing to send.
  Close();
  Open();
  StartWithFakeClock();
  EXPECT_EQ(runner_->pending(), 0);
  EXPECT_EQ(sender_.calls_made(), 1u);
}

TEST_F(JobRunnerStorageTest, AGracefulStopRetriesTheHeldMarkSoARestartDoesNotResend) {
  faults_.finish = true;
  StartWithFakeClock();
  Deliver("k", "c", "owls");
  ASSERT_TRUE(sender_.WaitFor(1));
  ASSERT_TRUE(Eventually([&] { return runner_->held() == 1; }));
  faults_.finish = false;  // space returned; the held retry is not due yet (fake time stands)
  runner_->Stop(std::chrono::seconds(5));  // a plain graceful stop
  EXPECT_EQ(Stats().jobs_done, 1);
  Close();
  Open();
  StartWithFakeClock();
  EXPECT_EQ(runner_->pending(), 0);
  ASSERT_TRUE(AdvanceAndSettle(std::chrono::minutes(5)));
  EXPECT_EQ(runner_->pending(), 0);  // nothing to retry, however long we wait
  EXPECT_EQ(runner_->held(), 0);
  EXPECT_EQ(sender_.calls_made(), 1u);  // once, not again after the restart
}

TEST_F(JobRunnerStorageTest, AReplyThatCannotBeSavedIsNeverDeadLetteredAndGoesOutOnceSaved) {
  faults_.save_reply = true;
  StartWithFakeClock(/*max_attempts=*/5);
  Deliver("k", "c", "owls");
  ASSERT_TRUE(Eventually([&] { return faults_.save_reply_calls >= 1; }));
  // Far more tries than max_attempts, minutes of (fake) time: still held, nothing sent.
  for (int i = 0; i < 20; ++i) {
    const int seen = faults_.save_reply_calls;
    ASSERT_TRUE(AdvanceUntilCalled(faults_.save_reply_calls, seen, std::chrono::seconds(30)));
  }
  EXPECT_EQ(sender_.calls_made(), 0u);
  EXPECT_EQ(Stats().jobs_dead, 0);
  EXPECT_EQ(Stats().jobs_pending, 1);
  EXPECT_EQ(backend_.requests.size(), 1u);  // the story was written once and is held
  EXPECT_TRUE(Eventually([&] { return StorageErrors("save_reply") >= 21; }));
  EXPECT_NE(metrics_->Render().find("storybot_jobs_dead_total 0"), std::string::npos);

  faults_.save_reply = false;
  ASSERT_TRUE(Eventually([&] { return runner_->held() == 1; }));
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(sender_.WaitFor(1));
  ASSERT_TRUE(Eventually([&] { return Stats().jobs_done == 1; }));
  EXPECT_EQ(sender_.calls_made(), 1u);
  EXPECT_NE(RepliesTo("c")[0].find("story #1 for owls"), std::string::npos);
  EXPECT_EQ(backend_.requests.size(), 1u);
}

TEST_F(JobRunnerStorageTest, AnUnreadableChatIsRetriedWithoutCountingAnAttempt) {
  faults_.load = true;
  StartWithFakeClock(/*max_attempts=*/2);
  Deliver("k", "c", "owls");
  ASSERT_TRUE(Eventually([&] { return faults_.load_calls >= 1; }));
  for (int i = 0; i < 6; ++i) {
    const int seen = faults_.load_calls;
    ASSERT_TRUE(AdvanceUntilCalled(faults_.load_calls, seen, std::chrono::seconds(30)));
  }
  EXPECT_EQ(Stats().jobs_dead, 0);
  EXPECT_EQ(backend_.requests.size(), 0u);
  faults_.load = false;
  ASSERT_TRUE(Eventually([&] { return runner_->held() == 1; }));
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(sender_.WaitFor(1));
  ASSERT_TRUE(Eventually([&] { return Stats().jobs_done == 1; }));
  EXPECT_GE(StorageErrors("load_chat"), 7);  // counted before the retry that succeeded
}

TEST_F(JobRunnerStorageTest, AFailedSendWhoseRetryCannotBeRecordedIsNotSentAgainUntilItIs) {
  sender_.failures = 1;
  faults_.retry_later = true;
  StartWithFakeClock();
  Deliver("k", "c", "owls");
  ASSERT_TRUE(Eventually([&] { return faults_.retry_later_calls >= 1; }));
  for (int i = 0; i < 4; ++i) {
    const int seen = faults_.retry_later_calls;
    ASSERT_TRUE(AdvanceUntilCalled(faults_.retry_later_calls, seen, std::chrono::seconds(30)));
  }
  EXPECT_EQ(sender_.calls_made(), 1u);  // the failed one only: no sends while held
  faults_.retry_later = false;
  ASSERT_TRUE(Eventually([&] { return runner_->held() == 1; }));
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(Eventually([&] { return faults_.retry_later_calls >= 6; }));
  clock_.Advance(std::chrono::seconds(2));  // the send's own backoff
  ASSERT_TRUE(sender_.WaitFor(1));
  ASSERT_TRUE(Eventually([&] { return Stats().jobs_done == 1; }));
  EXPECT_EQ(sender_.calls_made(), 2u);
}

// ---- Split replies (issue 12, item 3): the pieces that went out are kept on disk ----

TEST_F(JobRunnerStorageTest, ARetryAndARestartResumeAfterThePiecesAlreadySent) {
  sender_.failures = 2;
  sender_.pieces_out = 2;  // two pieces went out, then the third failed
  StartWithFakeClock();
  Deliver("k", "c", "owls");
  // The retry's due time is taken before its attempt is recorded.
  ASSERT_TRUE(Eventually([&] { return faults_.retry_later_calls == 1; }));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(Eventually([&] { return sender_.calls_made() == 2; }));
  {
    std::lock_guard lock(sender_.mutex_);
    EXPECT_EQ(sender_.calls[0].pieces_sent, 0);
    EXPECT_EQ(sender_.calls[1].pieces_sent, 2);  // resumes at the third piece
  }
  // The second try failed too; stop before its retry is due (fake time) and start again.
  ASSERT_TRUE(Eventually([&] { return faults_.retry_later_calls == 2; }));
  Close();
  Open();
  StartWithFakeClock();
  ASSERT_TRUE(sender_.WaitFor(1));
  std::lock_guard lock(sender_.mutex_);
  ASSERT_EQ(sender_.calls.size(), 3u);
  EXPECT_EQ(sender_.calls[2].pieces_sent, 2);  // read back from the database
  EXPECT_EQ(sender_.calls[2].text, sender_.calls[0].text);
}

}  // namespace
}  // namespace storybot
