#include "core/metrics.h"

#include <dirent.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace storybot {
namespace {

const prometheus::Histogram::BucketBoundaries kHttpBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

const prometheus::Histogram::BucketBoundaries kStoryBuckets = {0.001, 0.01, 0.1, 0.5, 1,  2,
                                                               5,     10,   20,  30,  60, 120};

// Reads what /proc says about this process: CPU seconds and resident bytes.
struct ProcStat {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
};

ProcStat ReadProcStat() {
  ProcStat stat;
  std::ifstream in("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t paren = content.rfind(')');
  if (paren == std::string::npos) return stat;
  std::istringstream fields(content.substr(paren + 2));
  std::string field;
  // After "pid (comm) " the fields start at 3 (state); utime=14, stime=15, vsize=23, rss=24.
  double utime = 0, stime = 0, vsize = 0, rss = 0;
  for (int index = 3; fields >> field && index <= 24; ++index) {
    if (index == 14) utime = std::stod(field);
    if (index == 15) stime = std::stod(field);
    if (index == 23) vsize = std::stod(field);
    if (index == 24) rss = std::stod(field);
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  stat.cpu_seconds = (utime + stime) / ticks;
  stat.virtual_bytes = vsize;
  stat.resident_bytes = rss * static_cast<double>(sysconf(_SC_PAGESIZE));
  return stat;
}

double CountOpenFds() {
  double count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr) ++count;
    closedir(dir);
    count -= 3;  // ".", ".." and the directory's own descriptor
  }
  return count;
}

}  // namespace

static std::atomic<std::uint64_t> next_metrics_id{1};

struct Metrics::Impl {
  const std::uint64_t id = next_metrics_id++;  // unique per instance, unlike its address
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& http_requests =
      prometheus::BuildCounter()
          .Name("storybot_http_requests_total")
          .Help("HTTP requests answered, by method, route pattern and status")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& http_duration =
      prometheus::BuildHistogram()
          .Name("storybot_http_request_duration_seconds")
          .Help("Time from a request's arrival to its answer, by method and route pattern")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& build_info = prometheus::BuildGauge()
                                                          .Name("storybot_build_info")
                                                          .Help("Always 1; labelled by version")
                                                          .Register(*registry);
  prometheus::Family<prometheus::Counter>& messages_received =
      prometheus::BuildCounter()
          .Name("storybot_messages_received_total")
          .Help("Chat messages accepted from a channel (after de-duplication)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& replies_sent =
      prometheus::BuildCounter()
          .Name("storybot_replies_sent_total")
          .Help("Replies delivered to a channel, by outcome")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& story_duration =
      prometheus::BuildHistogram()
          .Name("storybot_story_duration_seconds")
          .Help("Time to write one story, by engine")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& llm_requests =
      prometheus::BuildCounter()
          .Name("storybot_llm_requests_total")
          .Help("Calls to the LLM backend by outcome: success, retry, error, fallback")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& llm_tokens =
      prometheus::BuildCounter()
          .Name("storybot_llm_tokens_total")
          .Help("Tokens reported by the LLM backend, by kind (prompt, completion)")
          .Register(*registry);
  prometheus::Gauge& jobs_pending = prometheus::BuildGauge()
                                        .Name("storybot_jobs_pending")
                                        .Help("Story jobs waiting or running")
                                        .Register(*registry)
                                        .Add({});
  prometheus::Counter& jobs_dead = prometheus::BuildCounter()
                                       .Name("storybot_jobs_dead_total")
                                       .Help("Story jobs given up after their last attempt")
                                       .Register(*registry)
                                       .Add({});
  prometheus::Family<prometheus::Counter>& storage_errors =
      prometheus::BuildCounter()
          .Name("storybot_storage_errors_total")
          .Help("Store calls that failed (e.g. disk full) and are retried, by operation")
          .Register(*registry);
  prometheus::Gauge& jobs_held = prometheus::BuildGauge()
                                     .Name("storybot_jobs_held")
                                     .Help("Story jobs waiting to retry a failed store call")
                                     .Register(*registry)
                                     .Add({});
  prometheus::Family<prometheus::Counter>& limit_rejections =
      prometheus::BuildCounter()
          .Name("storybot_limit_rejections_total")
          .Help(
              "Messages or LLM calls refused by a limit, by kind (user_hour, user_day, "
              "chat_flood, llm_budget)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& moderation =
      prometheus::BuildCounter()
          .Name("storybot_moderation_total")
          .Help("Moderation checks by stage (request, story) and verdict (allow, block, error)")
          .Register(*registry);
  prometheus::Gauge& llm_budget_used = prometheus::BuildGauge()
                                           .Name("storybot_llm_budget_tokens_used")
                                           .Help("LLM tokens used today (UTC)")
                                           .Register(*registry)
                                           .Add({});
  prometheus::Gauge& llm_budget = prometheus::BuildGauge()
                                      .Name("storybot_llm_budget_tokens")
                                      .Help("The daily LLM token budget; 0: none")
                                      .Register(*registry)
                                      .Add({});
  prometheus::Counter& cpu_seconds = prometheus::BuildCounter()
                                         .Name("process_cpu_seconds_total")
                                         .Help("User and system CPU time spent in seconds")
                                         .Register(*registry)
                                         .Add({});
  prometheus::Gauge& resident_bytes = prometheus::BuildGauge()
                                          .Name("process_resident_memory_bytes")
                                          .Help("Resident memory size in bytes")
                                          .Register(*registry)
                                          .Add({});
  prometheus::Gauge& virtual_bytes = prometheus::BuildGauge()
                                         .Name("process_virtual_memory_bytes")
                                         .Help("Virtual memory size in bytes")
                                         .Register(*registry)
                                         .Add({});
  prometheus::Gauge& open_fds = prometheus::BuildGauge()
                                    .Name("process_open_fds")
                                    .Help("Number of open file descriptors")
                                    .Register(*registry)
                                    .Add({});
  prometheus::Gauge& start_time = prometheus::BuildGauge()
                                      .Name("process_start_time_seconds")
                                      .Help("Start time of the process since the Unix epoch")
                                      .Register(*registry)
                                      .Add({});
  std::mutex render_mutex;
  double last_cpu_seconds = 0;
};

Metrics::Metrics(std::string_view version, const std::vector<std::string>& channels,
                 const Clock& clock)
    : impl_(std::make_unique<Impl>()) {
  impl_->build_info.Add({{"version", std::string(version)}}).Set(1);
  // Known label values start at zero, so every documented metric is exported (and rate() works)
  // before its first event.
  for (const std::string& channel : channels) {
    impl_->messages_received.Add({{"channel", channel}});
    for (const char* outcome : {"sent", "failed", "dead"}) {
      impl_->replies_sent.Add({{"channel", channel}, {"outcome", outcome}});
    }
  }
  for (const char* outcome : {"success", "retry", "error", "fallback"}) {
    impl_->llm_requests.Add({{"outcome", outcome}});
  }
  for (const char* operation : {"enqueue", "load_chat", "save_reply", "retry_later", "finish"}) {
    impl_->storage_errors.Add({{"operation", operation}});
  }
  for (const char* kind : {"prompt", "completion"}) impl_->llm_tokens.Add({{"kind", kind}});
  for (const char* kind : {"user_hour", "user_day", "chat_flood", "llm_budget"}) {
    impl_->limit_rejections.Add({{"kind", kind}});
  }
  for (const char* stage : {"request", "story"}) {
    for (const char* verdict : {"allow", "block", "error"}) {
      impl_->moderation.Add({{"stage", stage}, {"verdict", verdict}});
    }
  }
  for (const char* engine : {"offline", "openai"}) {
    impl_->story_duration.Add({{"engine", engine}}, kStoryBuckets);
  }
  impl_->start_time.Set(std::chrono::duration<double>(clock.WallNow().time_since_epoch()).count());
}

Metrics::~Metrics() = default;

void Metrics::ObserveHttpRequest(std::string_view method, std::string_view route, int status,
                                 double seconds) {
  // prometheus-cpp finds a child by building and hashing its label map, twice per request. The
  // children live as long as the registry, so each I/O thread keeps its own index of them.
  struct Children {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
  };
  thread_local std::unordered_map<std::string, Children> cache;
  thread_local std::uint64_t cache_owner = 0;
  if (cache_owner != impl_->id) {  // another Metrics than last time (tests create several)
    cache.clear();
    cache_owner = impl_->id;
  }
  std::string key;
  key.reserve(method.size() + route.size() + 6);
  key.append(method).append(1, '\n').append(route).append(1, '\n').append(std::to_string(status));
  auto it = cache.find(key);
  if (it == cache.end()) {
    Children children{
        &impl_->http_requests.Add({{"method", std::string(method)},
                                   {"route", std::string(route)},
                                   {"status", std::to_string(status)}}),
        &impl_->http_duration.Add({{"method", std::string(method)}, {"route", std::string(route)}},
                                  kHttpBuckets)};
    it = cache.emplace(std::move(key), children).first;
  }
  it->second.requests->Increment();
  it->second.duration->Observe(seconds);
}

void Metrics::CountMessageReceived(std::string_view channel) {
  impl_->messages_received.Add({{"channel", std::string(channel)}}).Increment();
}

void Metrics::CountReplySent(std::string_view channel, std::string_view outcome) {
  impl_->replies_sent.Add({{"channel", std::string(channel)}, {"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::ObserveStory(std::string_view engine, double seconds) {
  impl_->story_duration.Add({{"engine", std::string(engine)}}, kStoryBuckets).Observe(seconds);
}

void Metrics::CountLlmRequest(std::string_view outcome) {
  impl_->llm_requests.Add({{"outcome", std::string(outcome)}}).Increment();
}

void Metrics::CountLlmTokens(std::string_view kind, std::int64_t tokens) {
  if (tokens <= 0) return;
  impl_->llm_tokens.Add({{"kind", std::string(kind)}}).Increment(static_cast<double>(tokens));
}

void Metrics::SetJobsPending(std::int64_t jobs) {
  impl_->jobs_pending.Set(static_cast<double>(jobs));
}

void Metrics::CountJobDeadLettered() { impl_->jobs_dead.Increment(); }

void Metrics::CountStorageError(std::string_view operation) {
  impl_->storage_errors.Add({{"operation", std::string(operation)}}).Increment();
}

void Metrics::SetJobsHeld(std::int64_t jobs) { impl_->jobs_held.Set(static_cast<double>(jobs)); }

void Metrics::CountLimitRejection(std::string_view kind) {
  impl_->limit_rejections.Add({{"kind", std::string(kind)}}).Increment();
}

void Metrics::CountModeration(std::string_view stage, std::string_view verdict) {
  impl_->moderation.Add({{"stage", std::string(stage)}, {"verdict", std::string(verdict)}})
      .Increment();
}

void Metrics::SetLlmBudgetTokensUsed(std::int64_t tokens) {
  impl_->llm_budget_used.Set(static_cast<double>(tokens));
}

void Metrics::SetLlmBudgetTokens(std::int64_t tokens) {
  impl_->llm_budget.Set(static_cast<double>(tokens));
}

std::string Metrics::Render() {
  std::lock_guard lock(impl_->render_mutex);
  const ProcStat stat = ReadProcStat();
  if (stat.cpu_seconds > impl_->last_cpu_seconds) {
    impl_->cpu_seconds.Increment(stat.cpu_seconds - impl_->last_cpu_seconds);
    impl_->last_cpu_seconds = stat.cpu_seconds;
  }
  impl_->resident_bytes.Set(stat.resident_bytes);
  impl_->virtual_bytes.Set(stat.virtual_bytes);
  impl_->open_fds.Set(CountOpenFds());
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace storybot
