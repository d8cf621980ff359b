#include "adapters/telegram/poller.h"

#include <boost/json.hpp>

namespace storybot::telegram {

Poller::Poller(const BotApi& api, Logger& logger, Deliver deliver, PollerOptions options)
    : api_(api), logger_(logger), deliver_(std::move(deliver)), options_(options) {}

Poller::~Poller() { Stop(); }

void Poller::Start() {
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void Poller::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Poller::Wait(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return stopping_.load(); });
}

void Poller::Loop() {
  std::int64_t offset = 0;
  std::chrono::milliseconds backoff{0};
  while (!stopping_) {
    const auto started = std::chrono::steady_clock::now();
    boost::json::object params{{"timeout", options_.timeout_s},
                               {"allowed_updates", boost::json::array{"message"}}};
    if (offset != 0) params["offset"] = offset;
    const ApiResult r =
        api_.Call("getUpdates", params, (options_.timeout_s + 15) * 1000L, {}, &stopping_);
    if (stopping_) break;
    if (r.kind == ApiResult::Kind::kClientError) {
      if (r.status == 401 || r.status == 404 || r.status == 409) {
        logger_.Log(LogLevel::kError,
                    r.status == 409
                        ? "Telegram polling stopped: another getUpdates or a webhook is active "
                          "(deleteWebhook, or run one poller)"
                        : "Telegram polling stopped: the bot token was refused",
                    {{"http.response.status_code", static_cast<std::int64_t>(r.status)},
                     {"error.message", std::string_view(r.description)}});
        break;
      }
    }
    if (r.kind != ApiResult::Kind::kOk) {
      std::chrono::milliseconds wait;
      if (r.kind == ApiResult::Kind::kRetryAfter) {
        wait = std::chrono::seconds(std::max(1, r.retry_after_s));
      } else {
        backoff = std::min<std::chrono::milliseconds>(
            backoff.count() == 0 ? std::chrono::milliseconds(1000) : backoff * 2,
            options_.max_backoff);
        wait = backoff;
      }
      logger_.Log(LogLevel::kWarn, "getUpdates failed; waiting",
                  {{"http.response.status_code", static_cast<std::int64_t>(r.status)},
                   {"error.message", std::string_view(r.description)},
                   {"event.duration", static_cast<std::int64_t>(wait.count()) * 1000000}});
      if (!Wait(wait)) break;
      continue;
    }
    backoff = std::chrono::milliseconds(0);

    std::vector<ParsedUpdate> batch;
    std::int64_t last = offset - 1;
    if (r.result.is_array()) {
      for (const auto& item : r.result.as_array()) {
        const std::string json = boost::json::serialize(item);
        Result<ParsedUpdate> parsed = ParseUpdate(json, options_.bot_username);
        if (!parsed.ok()) continue;  // malformed: skip it rather than block the queue forever
        last = std::max(last, parsed.value().update_id);
        if (parsed.value().handled) batch.push_back(std::move(parsed).value());
      }
    }
    if (!batch.empty() && !deliver_(batch)) {
      if (!Wait(std::chrono::seconds(1))) break;  // storage trouble: fetch the same batch again
      continue;
    }
    if (last >= offset) offset = last + 1;  // confirmed by the next getUpdates call
    if (r.result.is_array() && r.result.as_array().empty()) {
      const auto elapsed = std::chrono::steady_clock::now() - started;
      if (elapsed < options_.min_empty_interval &&
          !Wait(std::chrono::duration_cast<std::chrono::milliseconds>(options_.min_empty_interval -
                                                                      elapsed))) {
        break;
      }
    }
  }
  running_ = false;
}

}  // namespace storybot::telegram
