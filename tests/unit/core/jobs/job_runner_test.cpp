// The job runner with the real SQLite store and group-commit writer, a scripted story backend and
// a recording sender.
#include "core/jobs/job_runner.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_chat_store.h"
#include "core/storage/sqlite_prompt_store.h"
#include "tests/support/storybot_process.h"

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

// Records replies; fails the first `failures` sends with `outcome`.
class RecordingSender final : public ReplySender {
 public:
  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override {
    {
      std::lock_guard lock(mutex_);
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
    done({outcome, "scripted failure", 0});
  }
  bool WaitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return sent.size() >= count; });
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<OutboundReply> sent;
  int failures = 0;
  int failed_attempts = 0;
  SendOutcome outcome = SendOutcome::kRetry;
};

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_ = std::make_unique<Metrics>("test");
    logger_ = Logger::Open({"", LogLevel::kError, false}).value();
    Open();
  }
  void TearDown() override { Close(); }

  void Open() {
    const std::string path = dir_.File("storybot.db");
    db_ = Database::Open(path).value();
    writer_ = GroupCommitWriter::Open(path).value();
    store_ = std::make_unique<SqliteChatStore>(*db_, *writer_);
    prompt_store_ = std::make_unique<SqlitePromptStore>(*db_);
    prompts_ = std::make_unique<PromptService>(*prompt_store_);
  }
  void Close() {
    if (runner_) runner_->Stop(std::chrono::seconds(5));
    runner_.reset();
    writer_.reset();
    store_.reset();
    prompts_.reset();
    prompt_store_.reset();
    db_.reset();
  }
  void StartRunner(JobRunnerOptions options = {}) {
    options.first_retry = std::chrono::milliseconds(10);
    runner_ = std::make_unique<JobRunner>(*store_, *prompts_, backend_,
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
  for (int i = 0; i < 200 && store_->Stats().value().jobs_done < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store_->Stats().value().jobs_done, 8);
  EXPECT_EQ(store_->Stats().value().jobs_pending, 0);
}

TEST_F(JobRunnerTest, DuplicateDeliveriesMakeNoSecondJob) {
  StartRunner();
  EXPECT_FALSE(Deliver("same", "c", "dragons").duplicate);
  EXPECT_TRUE(Deliver("same", "c", "dragons").duplicate);
  ASSERT_TRUE(sender_.WaitFor(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
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
  for (int i = 0; i < 200 && store_->Stats().value().jobs_dead == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(store_->Stats().value().jobs_dead, 1);
  EXPECT_EQ(sender_.failed_attempts, 3);
  EXPECT_NE(metrics_->Render().find("storybot_jobs_dead_total 1"), std::string::npos);
}

TEST_F(JobRunnerTest, PermanentFailureIsNotRetried) {
  sender_.failures = 1;
  sender_.outcome = SendOutcome::kPermanent;
  StartRunner();
  Deliver("k", "c", "owls");
  for (int i = 0; i < 200 && store_->Stats().value().jobs_failed == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
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
  auto conversations = store_->RecentConversations(10, "test");
  ASSERT_TRUE(conversations.ok());
  ASSERT_EQ(conversations.value().size(), 1u);
  EXPECT_EQ(conversations.value()[0].messages.size(), 8u);  // 4 asked, 4 answered
}

}  // namespace
}  // namespace storybot
