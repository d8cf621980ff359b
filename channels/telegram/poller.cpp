#include "channels/telegram/poller.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

namespace storybot::telegram {

Poller::Poller(const BotApi& api, Logger& logger, Deliver deliver, PollerOptions options)
    : api_(api),
      logger_(logger),
      deliver_(std::move(deliver)),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : Clock::Real()) {}

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
  const Clock::SteadyTime until = clock_.SteadyNow() + duration;
  std::unique_lock lock(mutex_);
  while (!stopping_ && clock_.SteadyNow() < until) clock_.WaitUntil(wake_, lock, until);
  return !stopping_;
}

std::string Poller::problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

void Poller::SetProblem(std::string problem) {
  std::lock_guard lock(mutex_);
  problem_ = std::move(problem);
}

std::chrono::milliseconds Poller::NextBackoff(std::chrono::milliseconds& backoff) const {
  backoff = std::min<std::chrono::milliseconds>(
      backoff.count() == 0 ? std::chrono::milliseconds(1000) : backoff * 2, options_.max_backoff);
  return backoff;
}

std::chrono::milliseconds Poller::OnConflict(const ApiResult& r,
                                             std::chrono::milliseconds& backoff) {
  std::string lower = r.description;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const LogField status{"http.response.status_code", static_cast<std::int64_t>(r.status)};
  const LogField description{"error.message", std::string_view(r.description)};
  // "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook ..."
  if (lower.find("webhook") != std::string::npos && !webhook_just_deleted_) {
    const ApiResult deleted =
        api_.Call("deleteWebhook", {{"drop_pending_updates", false}}, 10000, {}, &stopping_);
    if (deleted.kind == ApiResult::Kind::kOk) {
      logger_.Log(LogLevel::kWarn,
                  "Telegram webhook removed (deleteWebhook): polling mode was configured, and "
                  "Telegram refuses getUpdates while a webhook is set",
                  {status, description});
      webhook_just_deleted_ = true;  // a second webhook 409 right after backs off instead
      return std::chrono::milliseconds(0);
    }
    SetProblem("a webhook is set and deleteWebhook failed: " + deleted.description);
    logger_.Log(LogLevel::kError, "Telegram deleteWebhook failed; polling backs off",
                {{"http.response.status_code", static_cast<std::int64_t>(deleted.status)},
                 {"error.message", std::string_view(deleted.description)}});
    return NextBackoff(backoff);
  }
  // "Conflict: terminated by other getUpdates request; make sure that only one bot instance ..."
  const std::chrono::milliseconds wait = NextBackoff(backoff);
  SetProblem("another getUpdates poller (or a webhook) uses this bot token: HTTP 409 " +
             r.description + "; retrying with backoff");
  logger_.Log(
      LogLevel::kError,
      "Telegram polling conflict: another getUpdates poller or a webhook is active "
      "(run one storybot per bot token); retrying",
      {status, description, {"event.duration", static_cast<std::int64_t>(wait.count()) * 1000000}});
  return wait;
}

void Poller::Loop() {
  std::int64_t offset = 0;
  std::chrono::milliseconds backoff{0};
  while (!stopping_) {
    const auto started = clock_.SteadyNow();
    boost::json::object params{{"timeout", options_.timeout_s},
                               {"allowed_updates", boost::json::array{"message"}}};
    if (offset != 0) params["offset"] = offset;
    const ApiResult r =
        api_.Call("getUpdates", params, (options_.timeout_s + 15) * 1000L, {}, &stopping_);
    if (stopping_) break;
    if (r.kind == ApiResult::Kind::kClientError && (r.status == 401 || r.status == 404)) {
      SetProblem("the bot token was refused (HTTP " + std::to_string(r.status) +
                 "): polling stopped; check STORYBOT_TELEGRAM_BOT_TOKEN");
      logger_.Log(LogLevel::kError, "Telegram polling stopped: the bot token was refused",
                  {{"http.response.status_code", static_cast<std::int64_t>(r.status)},
                   {"error.message", std::string_view(r.description)}});
      break;
    }
    if (r.kind == ApiResult::Kind::kClientError && r.status == 409) {
      const std::chrono::milliseconds wait = OnConflict(r, backoff);
      if (wait.count() > 0 && !Wait(wait)) break;
      continue;
    }
    if (r.kind != ApiResult::Kind::kOk) {
      std::chrono::milliseconds wait;
      if (r.kind == ApiResult::Kind::kRetryAfter) {
        wait = std::chrono::seconds(std::max(1, r.retry_after_s));
      } else {
        wait = NextBackoff(backoff);
      }
      logger_.Log(LogLevel::kWarn, "getUpdates failed; waiting",
                  {{"http.response.status_code", static_cast<std::int64_t>(r.status)},
                   {"error.message", std::string_view(r.description)},
                   {"event.duration", static_cast<std::int64_t>(wait.count()) * 1000000}});
      if (!Wait(wait)) break;
      continue;
    }
    backoff = std::chrono::milliseconds(0);
    webhook_just_deleted_ = false;
    SetProblem({});

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
      const auto elapsed = clock_.SteadyNow() - started;
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
