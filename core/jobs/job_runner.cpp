#include "core/jobs/job_runner.h"

#include <algorithm>
#include <functional>

#include "core/story/bot_texts.h"

namespace storybot {
namespace {

// A new story's seed: stable for the delivery (a resumed job writes the same story).
std::uint64_t SeedFor(const Job& job) {
  return std::hash<std::string>{}(job.message.channel + "\n" + job.message.chat_id + "\n" +
                                  job.dedupe_key);
}

// Exponential from `first` (failures = 1), capped at `max`.
std::chrono::milliseconds Backoff(std::chrono::milliseconds first, std::chrono::milliseconds max,
                                  int failures) {
  const auto delay = first * (std::int64_t{1} << std::clamp(failures - 1, 0, 20));
  return std::min<std::chrono::milliseconds>(delay, max);
}

}  // namespace

JobRunner::JobRunner(ChatStore& store, PromptService& prompts, StoryBackend& story_writer,
                     std::map<std::string, ReplySender*> senders, EngineOptions engine,
                     Metrics& metrics, Logger& logger, JobRunnerOptions options)
    : store_(store),
      prompts_(prompts),
      story_writer_(story_writer),
      senders_(std::move(senders)),
      engine_(std::move(engine)),
      metrics_(metrics),
      logger_(logger),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : Clock::Real()),
      pool_(4) {}

JobRunner::~JobRunner() { Stop(std::chrono::milliseconds(0)); }

void JobRunner::RegisterSender(ChannelId channel, ReplySender& sender) {
  senders_[channel.str()] = &sender;
}

Status JobRunner::Start() {
  Result<std::vector<Job>> pending = store_.PendingJobs();
  if (!pending.ok()) return pending.error();
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  if (!pending.value().empty()) {
    logger_.Log(LogLevel::kInfo, "resuming unfinished jobs",
                {{"labels.jobs", static_cast<std::int64_t>(pending.value().size())}});
  }
  for (Job& job : pending.value()) Submit(std::move(job));
  thread_ = std::thread([this] { Loop(); });
  return {};
}

void JobRunner::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    const std::string key = ChatKey(job.message);
    auto& queue = queues_[key];
    if (queue.empty() && !busy_.contains(key)) ready_.push_back(key);
    queue.push_back(std::move(job));
    ++pending_;
  }
  UpdateGauge();
  wake_.notify_one();
}

void JobRunner::Requeue(Job job) {
  logger_.Log(LogLevel::kInfo, "job requeued by an admin",
              {{"event.action", std::string_view("job_requeued")},
               {"storybot.channel", std::string_view(job.message.channel)},
               {"storybot.job_id", job.id}},
              job.message.trace_id);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
  Submit(std::move(job));
}

void JobRunner::Stop(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    // Held store writes get one last try now (the disk may have room again), within `grace`
    // (none without a grace: their answers would come after the runner is gone).
    for (auto it = delayed_.begin(); grace.count() > 0 && it != delayed_.end();) {
      if (it->held && !it->needs_worker) {
        ++active_;
        --held_;
        pool_.Post([run = std::move(it->run), job = std::move(it->job)]() mutable {
          run(std::move(job));
        });
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
    wake_.notify_all();
    wake_.wait_for(lock, grace, [this] { return active_ == 0; });
  }
  if (thread_.joinable()) thread_.join();
  pool_.Stop();
}

bool JobRunner::running() const {
  std::lock_guard lock(mutex_);
  return started_ && !stopping_;
}

std::int64_t JobRunner::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

std::int64_t JobRunner::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

void JobRunner::UpdateGauge() {
  std::int64_t pending = 0;
  std::int64_t held = 0;
  {
    std::lock_guard lock(mutex_);
    pending = pending_;
    held = held_;
  }
  metrics_.SetJobsPending(pending);
  metrics_.SetJobsHeld(held);
  if (options_.stats != nullptr) options_.stats->SetJobsWaiting(pending);
}

void JobRunner::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = clock_.SteadyNow();
    // Retries that are due run first: their chats are already marked busy.
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if (it->due <= now && (!it->needs_worker || writing_ < options_.workers)) {
        if (it->needs_worker) ++writing_;
        if (it->held) metrics_.SetJobsHeld(--held_);
        ++active_;
        pool_.Post([run = std::move(it->run), job = std::move(it->job)]() mutable {
          run(std::move(job));
        });
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
    while (!ready_.empty() && writing_ < options_.workers) {
      const std::string key = std::move(ready_.front());
      ready_.pop_front();
      auto& queue = queues_[key];
      Job job = std::move(queue.front());
      queue.pop_front();
      if (queue.empty()) queues_.erase(key);
      busy_.insert(key);
      ++writing_;
      ++active_;
      pool_.Post([this, job = std::move(job)]() mutable { Process(std::move(job)); });
    }
    auto next = clock_.SteadyNow() + std::chrono::seconds(1);
    for (const Delayed& d : delayed_) next = std::min(next, d.due);
    clock_.WaitUntil(wake_, lock, next);
  }
}

void JobRunner::ReleaseWorker() {
  {
    std::lock_guard lock(mutex_);
    --writing_;
  }
  wake_.notify_all();
}

void JobRunner::Process(Job job) {
  if (job.reply) {  // written before a restart or a failed send: only the send is left
    ReleaseWorker();
    return Send(std::move(job));
  }
  Result<ChatState> state = store_.LoadChat(job.message.channel, job.message.chat_id);
  auto snapshot = prompts_.List();
  if (!state.ok() || !snapshot.ok()) {
    const Error error = !state.ok() ? state.error() : snapshot.error();
    return Hold(
        std::move(job), "load_chat", error, [this](Job j) { Process(std::move(j)); }, true);
  }
  job.store_failures = 0;
  Decision decision =
      Decide(job.message, state.value(), snapshot.value()->prompts, engine_, SeedFor(job));
  if (options_.safety != nullptr) {
    const GateAnswer gate = options_.safety->Admit(
        job.message, decision.kind == Decision::Kind::kStory, decision.language);
    if (gate.kind == GateAnswer::Kind::kSilent) return Skip(std::move(job));
    if (gate.kind == GateAnswer::Kind::kReply) return Reply(std::move(job), gate.text, {});
  }
  if (decision.kind == Decision::Kind::kText) return Reply(std::move(job), decision.text, {});
  if (decision.kind == Decision::Kind::kReset) {
    ChatUpdate reset;
    reset.kind = ChatUpdate::Kind::kReset;
    return Reply(std::move(job), decision.text, reset);
  }
  ChatUpdate update;
  update.kind = decision.continues ? ChatUpdate::Kind::kContinue : ChatUpdate::Kind::kNewStory;
  update.prompt_id = decision.prompt_id;
  update.request = decision.request;
  update.seed = decision.story.seed;
  update.user_name = decision.story.user_name;
  update.language = std::string(LanguageCode(decision.language));
  update.premise = decision.story.premise;
  if (decision.story.premise_language) {
    update.premise_language = std::string(LanguageCode(*decision.story.premise_language));
  }
  update.user_turn = decision.story.prompt;
  decision.story.trace_id = job.message.trace_id;
  const Language language = decision.language;
  if (auto sender = senders_.find(job.message.channel); sender != senders_.end()) {
    sender->second->StartedWriting(job.message);
  }
  story_writer_.Generate(std::move(decision.story), [this, job = std::move(job), update,
                                                     language](Result<Story> story) mutable {
    if (story.ok()) {
      job.engine = story.value().engine;  // after an LLM fallback: "offline"
      job.story_language = std::string(LanguageCode(language));
      if (options_.stats != nullptr) options_.stats->CountStory(job.message.channel);
      return Reply(std::move(job), story.value().text, update);
    }
    logger_.Log(LogLevel::kError, "no engine could write the story",
                {{"error.message", std::string_view(story.error().message)}}, job.message.trace_id);
    Reply(std::move(job), Text(BotText::kStoryFailed, language), {});
  });
}

void JobRunner::Reply(Job job, const std::string& reply, const ChatUpdate& update) {
  job.reply = reply;
  ReleaseWorker();  // the story is written: its save (and send) need no worker
  // Until the save succeeds the job is held with this very reply: no second story is written.
  // Once saved, the worker may start another story while this reply waits for the channel
  // (Telegram paces sends to 30/s); the chat stays busy until it is sent.
  Persist(
      std::move(job), "save_reply",
      [this, reply, update](const Job& j, std::function<void(Status)> done) {
        store_.SaveReply(j, reply, update, std::move(done));
      },
      [this](Job j) {
        auto shared = std::make_shared<Job>(std::move(j));
        pool_.Post([this, shared] { Send(std::move(*shared)); });
      });
}

void JobRunner::Skip(Job job) {
  ReleaseWorker();
  Persist(
      std::move(job), "finish",
      [this](const Job& j, std::function<void(Status)> done) {
        store_.Finish(j.id, JobEnd::kDone, "", std::move(done));
      },
      [this](Job j) { Finished(j); });
}

void JobRunner::Send(Job job) {
  auto sender = senders_.find(job.message.channel);
  if (sender == senders_.end()) {
    return OnSent(std::move(job),
                  {SendOutcome::kPermanent, "channel " + job.message.channel + " is off", 0});
  }
  OutboundReply reply{job.message.channel,       job.message.chat_id,  *job.reply,
                      job.message.reply_context, job.message.trace_id, job.dedupe_key};
  reply.engine = job.engine;
  reply.pieces_sent = job.pieces_sent;
  if (!job.story_language.empty()) {  // a story: the buttons go under it
    reply.story_id = job.id;
    reply.language = job.story_language;
  }
  auto shared = std::make_shared<Job>(std::move(job));
  sender->second->Send(
      reply, [this, shared](SendResult result) { OnSent(std::move(*shared), std::move(result)); });
}

void JobRunner::OnSent(Job job, SendResult result) {
  const std::string channel = job.message.channel;
  if (result.outcome == SendOutcome::kRetry && job.attempts + 1 < options_.max_attempts) {
    ++job.attempts;
    job.pieces_sent = std::max(job.pieces_sent, result.pieces_sent);
    auto delay = Backoff(options_.first_retry, options_.max_retry, job.attempts);
    if (result.retry_after_s > 0) {
      delay =
          std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(result.retry_after_s));
    }
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {  // a stop interrupts sends on purpose: they resume at the next start
        logger_.Log(LogLevel::kWarn, "reply not delivered; will retry",
                    {{"error.message", std::string_view(result.error)},
                     {"storybot.channel", std::string_view(channel)},
                     {"labels.attempt", static_cast<std::int64_t>(job.attempts)},
                     {"labels.pieces_sent", static_cast<std::int64_t>(job.pieces_sent)}},
                    job.message.trace_id);
      }
    }
    // The attempt and the pieces already out are on disk before the next send: a restart
    // resumes after them instead of sending the first pieces again.
    const TimePoint due = clock_.SteadyNow() + delay;
    Persist(
        std::move(job), "retry_later",
        [this, error = result.error](const Job& j, std::function<void(Status)> done) {
          store_.RetryLater(j.id, j.attempts, j.pieces_sent, error, std::move(done));
        },
        [this, due](Job j) {
          {
            std::lock_guard lock(mutex_);
            --active_;
            delayed_.push_back({due, std::move(j), [this](Job r) { Process(std::move(r)); },
                                /*needs_worker=*/true, /*held=*/false});
          }
          wake_.notify_all();
        });
    return;
  }
  JobEnd end = JobEnd::kDone;
  std::string outcome = "sent";
  if (result.outcome == SendOutcome::kRetry) {
    end = JobEnd::kDead;
    outcome = "dead";
    metrics_.CountJobDeadLettered();
    if (options_.stats != nullptr) options_.stats->CountDeadLettered();
  } else if (result.outcome == SendOutcome::kPermanent) {
    end = JobEnd::kFailed;
    outcome = "failed";
  }
  metrics_.CountReplySent(channel, outcome);
  if (end == JobEnd::kDone) {
    logger_.Log(LogLevel::kInfo, "reply sent",
                {{"event.action", std::string_view("reply_sent")},
                 {"storybot.channel", std::string_view(channel)},
                 {"storybot.job_id", job.id},
                 {"labels.attempts", static_cast<std::int64_t>(job.attempts + 1)}},
                job.message.trace_id);
  } else {
    logger_.Log(LogLevel::kError, "reply given up",
                {{"error.message", std::string_view(result.error)},
                 {"storybot.channel", std::string_view(channel)},
                 {"storybot.outcome", std::string_view(outcome)}},
                job.message.trace_id);
  }
  // Until the end is on disk the chat stays busy and the job is not resent: a sent reply that
  // cannot be marked sent is held here, not sent again.
  Persist(
      std::move(job), "finish",
      [this, end, error = result.error](const Job& j, std::function<void(Status)> done) {
        store_.Finish(j.id, end, error, std::move(done));
      },
      [this](Job j) { Finished(j); });
}

void JobRunner::Persist(Job job, std::string_view operation, StoreCall call, Step then) {
  auto shared = std::make_shared<Job>(std::move(job));
  auto shared_call = std::make_shared<StoreCall>(std::move(call));
  (*shared_call)(*shared, [this, shared, operation, shared_call,
                           then = std::move(then)](Status status) mutable {
    if (status.ok()) {
      if (shared->store_failures > 0) {
        logger_.Log(LogLevel::kInfo, "storage write succeeded; job resumes",
                    {{"storybot.operation", operation},
                     {"storybot.job_id", shared->id},
                     {"labels.failures", static_cast<std::int64_t>(shared->store_failures)}},
                    shared->message.trace_id);
        shared->store_failures = 0;
      }
      return then(std::move(*shared));
    }
    Hold(
        std::move(*shared), operation, status.error(),
        [this, operation, shared_call, then = std::move(then)](Job j) mutable {
          Persist(std::move(j), operation, std::move(*shared_call), std::move(then));
        },
        false);
  });
}

void JobRunner::Hold(Job job, std::string_view operation, const Error& error, Step retry,
                     bool holds_worker) {
  metrics_.CountStorageError(operation);
  ++job.store_failures;
  const auto delay =
      Backoff(options_.store_first_retry, options_.store_max_retry, job.store_failures);
  {
    std::lock_guard lock(mutex_);
    if (holds_worker) --writing_;
    --active_;
    if (stopping_) {
      logger_.Log(LogLevel::kError, "storage failed at stop; the job stays pending as last saved",
                  {{"error.message", std::string_view(error.message)},
                   {"storybot.operation", operation},
                   {"storybot.job_id", job.id}},
                  job.message.trace_id);
    } else {
      logger_.Log(LogLevel::kWarn, "storage failed; job held, will retry the write",
                  {{"error.message", std::string_view(error.message)},
                   {"storybot.operation", operation},
                   {"storybot.job_id", job.id},
                   {"labels.failures", static_cast<std::int64_t>(job.store_failures)},
                   {"labels.retry_in_ms", static_cast<std::int64_t>(delay.count())}},
                  job.message.trace_id);
      delayed_.push_back({clock_.SteadyNow() + delay, std::move(job), std::move(retry),
                          holds_worker, /*held=*/true});
      ++held_;
    }
  }
  UpdateGauge();
  wake_.notify_all();
}

void JobRunner::Finished(const Job& job) {
  {
    std::lock_guard lock(mutex_);
    const std::string key = ChatKey(job.message);
    busy_.erase(key);
    --active_;
    --pending_;
    if (queues_.contains(key)) ready_.push_back(key);
  }
  UpdateGauge();
  wake_.notify_all();
}

}  // namespace storybot
