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

}  // namespace

JobRunner::JobRunner(ChatStore& store, PromptService& prompts, StoryBackend& writer,
                     std::map<std::string, ReplySender*> senders, EngineOptions engine,
                     Metrics& metrics, Logger& logger, JobRunnerOptions options)
    : store_(store),
      prompts_(prompts),
      writer_(writer),
      senders_(std::move(senders)),
      engine_(std::move(engine)),
      metrics_(metrics),
      logger_(logger),
      options_(options),
      pool_(4) {}

JobRunner::~JobRunner() { Stop(std::chrono::milliseconds(0)); }

void JobRunner::RegisterSender(std::string channel, ReplySender& sender) {
  senders_[std::move(channel)] = &sender;
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

void JobRunner::Stop(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
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

void JobRunner::UpdateGauge() { metrics_.SetJobsPending(pending()); }

void JobRunner::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = Clock::now();
    // Retries that are due run first: their chats are already marked busy.
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if (it->due <= now && writing_ < options_.workers) {
        ++writing_;
        ++active_;
        pool_.Post([this, job = std::move(it->job)]() mutable { Process(std::move(job)); });
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
    auto next = Clock::now() + std::chrono::seconds(1);
    for (const Delayed& d : delayed_) next = std::min(next, d.due);
    wake_.wait_until(lock, next);
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
    return OnSent(std::move(job), {SendOutcome::kRetry, "cannot read the chat's state", 0}, true);
  }
  Decision decision =
      Decide(job.message, state.value(), snapshot.value()->prompts, engine_, SeedFor(job));
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
  writer_.Generate(std::move(decision.story), [this, job = std::move(job), update,
                                               language](Result<Story> story) mutable {
    if (story.ok()) {
      job.engine = story.value().engine;  // after an LLM fallback: "offline"
      return Reply(std::move(job), story.value().text, update);
    }
    logger_.Log(LogLevel::kError, "no engine could write the story",
                {{"error.message", std::string_view(story.error().message)}}, job.message.trace_id);
    Reply(std::move(job), Text(BotText::kStoryFailed, language), {});
  });
}

void JobRunner::Reply(Job job, const std::string& reply, const ChatUpdate& update) {
  job.reply = reply;
  auto shared = std::make_shared<Job>(std::move(job));
  store_.SaveReply(*shared, reply, update, [this, shared](Status saved) {
    if (!saved.ok()) {
      shared->reply.reset();  // not on disk: decide again next time
      return OnSent(std::move(*shared), {SendOutcome::kRetry, saved.error().message, 0}, true);
    }
    // The story is written and saved: the worker may start another one while this reply waits
    // for the channel (Telegram paces sends to 30/s); the chat stays busy until it is sent.
    ReleaseWorker();
    pool_.Post([this, shared] { Send(std::move(*shared)); });
  });
}

void JobRunner::Send(Job job) {
  auto sender = senders_.find(job.message.channel);
  if (sender == senders_.end()) {
    return OnSent(std::move(job),
                  {SendOutcome::kPermanent, "channel " + job.message.channel + " is off", 0},
                  false);
  }
  OutboundReply reply{job.message.channel,       job.message.chat_id,  *job.reply,
                      job.message.reply_context, job.message.trace_id, job.dedupe_key};
  reply.engine = job.engine;
  auto shared = std::make_shared<Job>(std::move(job));
  sender->second->Send(reply, [this, shared](SendResult result) {
    OnSent(std::move(*shared), std::move(result), false);
  });
}

void JobRunner::OnSent(Job job, SendResult result, bool holds_worker) {
  const std::string channel = job.message.channel;
  if (result.outcome == SendOutcome::kRetry && job.attempts + 1 < options_.max_attempts) {
    ++job.attempts;
    auto delay = options_.first_retry * (1 << std::min(job.attempts - 1, 16));
    delay = std::min<std::chrono::milliseconds>(delay, options_.max_retry);
    if (result.retry_after_s > 0) {
      delay =
          std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(result.retry_after_s));
    }
    std::lock_guard lock(mutex_);
    if (!stopping_) {  // a stop interrupts sends on purpose: they resume at the next start
      logger_.Log(LogLevel::kWarn, "reply not delivered; will retry",
                  {{"error.message", std::string_view(result.error)},
                   {"storybot.channel", std::string_view(channel)},
                   {"labels.attempt", static_cast<std::int64_t>(job.attempts)}},
                  job.message.trace_id);
    }
    store_.RetryLater(job.id, job.attempts, result.error, [](Status) {});
    if (holds_worker) --writing_;
    --active_;
    delayed_.push_back({Clock::now() + delay, std::move(job)});
    wake_.notify_one();
    return;
  }
  JobEnd end = JobEnd::kDone;
  std::string outcome = "sent";
  if (result.outcome == SendOutcome::kRetry) {
    end = JobEnd::kDead;
    outcome = "dead";
    metrics_.CountJobDeadLettered();
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
  auto shared = std::make_shared<Job>(std::move(job));
  store_.Finish(shared->id, end, result.error,
                [this, shared, holds_worker](Status) { Finished(*shared, holds_worker); });
}

void JobRunner::Finished(const Job& job, bool holds_worker) {
  {
    std::lock_guard lock(mutex_);
    const std::string key = ChatKey(job.message);
    busy_.erase(key);
    if (holds_worker) --writing_;
    --active_;
    --pending_;
    if (queues_.contains(key)) ready_.push_back(key);
  }
  UpdateGauge();
  wake_.notify_all();
}

}  // namespace storybot
