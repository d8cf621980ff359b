#include "channels/discord/sender.h"

#include <algorithm>

#include "channels/discord/channel_id.h"
#include "channels/discord/reply_context.h"
#include "core/text_split.h"

namespace storybot::discord {
namespace {

// 429s waited out for one piece before the job runner takes over.
constexpr int kMaxRateLimitedWaits = 5;

constexpr const char* kExpired =
    "interaction token expired: the reply could not be delivered within 15 minutes";

SendResult Done(SendOutcome outcome, std::string error, std::size_t pieces_sent,
                int retry_after_s = 0) {
  return {outcome, std::move(error), retry_after_s, static_cast<int>(pieces_sent)};
}

}  // namespace

DiscordSender::DiscordSender(DiscordApi& api, Logger& logger, SenderOptions options, Clock& clock)
    : api_(api),
      logger_(logger),
      options_(options),
      clock_(clock),
      limits_(clock),
      pool_(options.threads) {}

DiscordSender::~DiscordSender() { Stop(); }

void DiscordSender::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  pool_.Stop();
}

bool DiscordSender::SleepUntil(Clock::SteadyTime until) {
  std::unique_lock lock(mutex_);
  while (!stopping_ && clock_.SteadyNow() < until) clock_.WaitUntil(wake_, lock, until);
  return !stopping_;
}

void DiscordSender::Send(const OutboundReply& reply, std::function<void(SendResult)> done) {
  pool_.Post([this, reply, done = std::move(done)] { done(SendNow(reply)); });
}

SendResult DiscordSender::SendNow(const OutboundReply& reply) {
  const ReplyContext to = DecodeReplyContext(reply.reply_context);
  if (to.application_id.empty() || to.token.empty()) {
    return Done(SendOutcome::kPermanent, "discord reply without an interaction token", 0);
  }
  // Discord counts characters; counting UTF-16 units is never more, so a piece always fits.
  const std::vector<std::string> pieces =
      SplitMessage(reply.text, kMaxMessageCharacters, LengthUnit::kUtf16);
  // Pieces an earlier attempt delivered are skipped (the job runner keeps the count on disk), so
  // the reader never gets them twice; piece 0 is the edit of the deferred response.
  std::size_t next =
      std::min(pieces.size(), static_cast<std::size_t>(std::max(0, reply.pieces_sent)));
  const std::string route = "webhook/" + to.interaction_id;
  // The token's deadline is wall time (it was stamped when the interaction arrived); waits are
  // steady time. Both come from the one clock.
  auto time_left = [&] {
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.WallNow().time_since_epoch())
            .count();
    return std::chrono::milliseconds(to.expires_unix_ms - now_ms);
  };
  auto give_up_expired = [&](std::size_t sent) {
    logger_.Log(LogLevel::kWarn, "discord: reply given up: interaction token expired",
                {{"storybot.channel", kChannelId.name()},
                 {"labels.pieces_sent", static_cast<std::int64_t>(sent)}},
                reply.trace_id);
    return Done(SendOutcome::kPermanent, kExpired, sent);
  };

  for (; next < pieces.size(); ++next) {
    int failures = 0;      // 5xx and network errors, backed off
    int rate_limited = 0;  // 429s, each waited out
    for (;;) {
      // Wait for the route's bucket, unless the token would expire first.
      const auto ready = limits_.ReadyAt(route);
      if (time_left() <= std::chrono::milliseconds(0) ||
          ready - clock_.SteadyNow() >= time_left()) {
        return give_up_expired(next);
      }
      if (!SleepUntil(ready)) return Done(SendOutcome::kRetry, "stopping", next);

      const ApiOutcome outcome = next == 0 ? api_.EditOriginal(to, pieces[next], reply.trace_id)
                                           : api_.CreateFollowup(to, pieces[next], reply.trace_id);
      limits_.Record(route, outcome);
      if (outcome.outcome == SendOutcome::kSent) break;
      if (outcome.outcome == SendOutcome::kPermanent) {
        // 401/403/404: a revoked application, missing access or an unknown (expired) webhook.
        logger_.Log(LogLevel::kError, "discord: reply refused; giving up",
                    {{"error.message", std::string_view(outcome.error)},
                     {"http.response.status_code", static_cast<std::int64_t>(outcome.status)},
                     {"storybot.channel", kChannelId.name()}},
                    reply.trace_id);
        return Done(SendOutcome::kPermanent, outcome.error, next);
      }
      if (outcome.status == 429) {
        if (outcome.retry_after >= time_left()) return give_up_expired(next);
        if (outcome.retry_after > options_.max_wait || ++rate_limited > kMaxRateLimitedWaits) {
          // Too long to hold a worker: the job runner waits instead.
          const auto seconds = std::chrono::ceil<std::chrono::seconds>(outcome.retry_after);
          return Done(SendOutcome::kRetry, outcome.error, next,
                      static_cast<int>(std::max<std::int64_t>(1, seconds.count())));
        }
        // The wait itself is the route's (Record above), taken at the top of the loop.
        logger_.Log(
            LogLevel::kInfo, "discord: rate limited; waiting retry_after",
            {{"event.duration", static_cast<std::int64_t>(outcome.retry_after.count()) * 1000000},
             {"storybot.channel", kChannelId.name()}},
            reply.trace_id);
        continue;
      }
      if (++failures >= options_.attempts_per_piece) {
        return Done(SendOutcome::kRetry, outcome.error, next);
      }
      logger_.Log(LogLevel::kWarn, "discord: send failed; retrying",
                  {{"error.message", std::string_view(outcome.error)},
                   {"http.response.status_code", static_cast<std::int64_t>(outcome.status)},
                   {"labels.attempt", static_cast<std::int64_t>(failures)}},
                  reply.trace_id);
      if (!SleepUntil(clock_.SteadyNow() + options_.first_backoff * (1 << (failures - 1)))) {
        return Done(SendOutcome::kRetry, "stopping", next);
      }
    }
  }
  return Done(SendOutcome::kSent, "", next);
}

}  // namespace storybot::discord
