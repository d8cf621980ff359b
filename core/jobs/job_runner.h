#pragma once
// Runs the durable jobs: one at a time per chat in arrival order, at most `workers` stories
// being written at once (a written reply waiting for a slow channel does not hold a worker).
//
// A job's life: decide (StoryEngine) → write the story (StoryWriter, async) → save the reply and
// the chat's new state (one transaction) → send it (the channel's ReplySender, async) → mark it
// done. A failed send is retried with exponential backoff; after `max_attempts` the job is
// dead-lettered. Because the reply is saved before it is sent, a crash never makes a second,
// different story; the one window where a reply can go out twice is between a successful send
// and the commit that marks it done.
//
// A storage error (e.g. the disk is full) is never blamed on the channel: it counts no send
// attempt and never dead-letters a job. The job is held where it is (no new story, no new send)
// and the store call is retried with its own backoff until it succeeds; each failure is logged
// and counted (storybot_storage_errors_total). A stop gives held writes one last try.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/channel_id.h"
#include "core/chat.h"
#include "core/clock.h"
#include "core/jobs/chat_store.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/prompt_service.h"
#include "core/safety/safety_service.h"
#include "core/stats/stats_recorder.h"
#include "core/story/story.h"
#include "core/story/story_engine.h"
#include "core/work_pool.h"

namespace storybot {

struct JobRunnerOptions {
  int workers = 64;
  int max_attempts = 5;
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{60000};
  // Backoff for a store call that failed (the job is held meanwhile).
  std::chrono::milliseconds store_first_retry{500};
  std::chrono::milliseconds store_max_retry{30000};
  Clock* clock = nullptr;  // null: Clock::Real()
  // Flood control, quotas and request moderation before any story work; null: none.
  SafetyService* safety = nullptr;
  // Stories written, dead letters and waiting jobs for the hourly charts; null: not counted.
  StatsRecorder* stats = nullptr;
};

class JobRunner {
 public:
  // Every reference must outlive the runner; `senders` maps a channel name to its sender.
  JobRunner(ChatStore& store, PromptService& prompts, StoryBackend& story_writer,
            std::map<std::string, ReplySender*> senders, EngineOptions engine, Metrics& metrics,
            Logger& logger, JobRunnerOptions options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Adds the sender for a channel's replies; call before Start().
  void RegisterSender(ChannelId channel, ReplySender& sender);
  // Loads the unfinished jobs (interrupted by a stop or a crash) and starts running them.
  Status Start();
  // A job whose delivery has just been committed.
  void Submit(Job job);
  // A dead or failed job an admin put back to pending (ChatStore::Requeue): it runs now, after
  // any job its chat is running. While stopping it stays pending in the store for the next start.
  void Requeue(Job job);
  // Starts nothing new; waits up to `grace` for running jobs. Unfinished ones stay pending in the
  // store and resume at the next start.
  void Stop(std::chrono::milliseconds grace);

  bool running() const;
  std::int64_t pending() const;  // queued, running and waiting to retry
  std::int64_t held() const;     // waiting for a store call to succeed

 private:
  using TimePoint = Clock::SteadyTime;
  using Step = std::function<void(Job)>;
  struct Delayed {
    TimePoint due;
    Job job;
    Step run;
    bool needs_worker;  // deciding or writing a story: counts against `workers`
    bool held;          // waiting to retry a store call
  };
  // A store call that must succeed before the job moves on; `done` runs on the database
  // writer's thread (core/storage/group_commit.h).
  using StoreCall = std::function<void(const Job&, std::function<void(Status)> done)>;

  void Loop();
  void Process(Job job);
  void Reply(Job job, const std::string& reply, const ChatUpdate& update);
  // Ends the job without an answer (a flooding chat's silence).
  void Skip(Job job);
  void Send(Job job);
  void OnSent(Job job, SendResult result);
  // Runs `call`; once it succeeded, `then`. A failure holds the job and retries `call` later.
  void Persist(Job job, std::string_view operation, StoreCall call, Step then);
  // The job's store call failed: count, log and schedule `retry` (nothing while stopping).
  // `holds_worker`: it was deciding its story, and the retry needs a worker again.
  void Hold(Job job, std::string_view operation, const Error& error, Step retry, bool holds_worker);
  void Finished(const Job& job);
  void ReleaseWorker();
  void UpdateGauge();
  static std::string ChatKey(const InboundMessage& m) { return m.channel + "\n" + m.chat_id; }

  ChatStore& store_;
  PromptService& prompts_;
  StoryBackend& story_writer_;
  std::map<std::string, ReplySender*> senders_;
  EngineOptions engine_;
  Metrics& metrics_;
  Logger& logger_;
  JobRunnerOptions options_;
  Clock& clock_;
  WorkPool pool_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::deque<Job>> queues_;  // per chat, waiting
  std::deque<std::string> ready_;                  // chats with a waiting job and none running
  std::set<std::string> busy_;                     // chats with a job running or retrying
  std::vector<Delayed> delayed_;                   // retries and held jobs, unordered (few)
  int writing_ = 0;  // jobs deciding or writing a story: at most options_.workers
  int active_ = 0;   // jobs started and not yet finished or waiting to retry
  std::int64_t pending_ = 0;
  std::int64_t held_ = 0;  // entries of delayed_ with `held`
  bool started_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace storybot
