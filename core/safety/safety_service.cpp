#include "core/safety/safety_service.h"

#include <openssl/evp.h>

#include "core/safety/safety_texts.h"

namespace storybot {

std::int64_t& LimitField(SafetyLimits& limits, std::string_view name) {
  if (name == "user_per_hour") return limits.user_per_hour;
  if (name == "user_per_day") return limits.user_per_day;
  if (name == "chat_per_minute") return limits.chat_per_minute;
  return limits.llm_daily_tokens;
}

std::string Fingerprint(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

SafetyService::SafetyService(SafetyLimits defaults, Moderator& moderator, TokenBudget& budget,
                             SafetyStore& store, Metrics& metrics, Logger& logger, Clock& clock)
    : moderator_(moderator),
      budget_(budget),
      store_(store),
      metrics_(metrics),
      logger_(logger),
      clock_(clock),
      flood_(clock),
      limits_(defaults) {}

Status SafetyService::Load() {
  Result<StoredSafety> stored = store_.Load();
  if (!stored.ok()) return stored.error();
  SafetyLimits limits = this->limits();
  for (const auto& [name, value] : stored.value().limits) LimitField(limits, name) = value;
  if (stored.value().words) moderator_.SetAdminWords(*stored.value().words);
  Status loaded = budget_.Load();
  if (!loaded.ok()) return loaded;
  std::lock_guard lock(mutex_);
  Apply(limits);
  return {};
}

void SafetyService::Apply(const SafetyLimits& limits) {
  limits_ = limits;
  budget_.SetLimit(limits.llm_daily_tokens);
}

SafetyLimits SafetyService::limits() const {
  std::lock_guard lock(mutex_);
  return limits_;
}

Result<SafetyLimits> SafetyService::ChangeLimits(
    const std::map<std::string, std::int64_t>& changes) {
  Status saved = store_.SaveLimits(changes);
  if (!saved.ok()) return saved.error();
  std::lock_guard lock(mutex_);
  SafetyLimits limits = limits_;
  for (const auto& [name, value] : changes) LimitField(limits, name) = value;
  Apply(limits);
  return limits;
}

Status SafetyService::ReplaceWords(std::vector<std::string> words) {
  Status saved = store_.SaveWords(words);
  if (!saved.ok()) return saved;
  moderator_.SetAdminWords(std::move(words));
  return {};
}

void SafetyService::Refused(const InboundMessage& message, std::string_view reason,
                            std::string_view detail, std::string_view text) {
  const std::string user = message.user_id.empty() ? message.chat_id : message.user_id;
  SafetyEvent event{FormatRfc3339(clock_.WallNow()), message.channel,
                    Fingerprint(message.channel + ":" + user), std::string(reason),
                    std::string(detail)};
  const std::string text_hash = text.empty() ? "" : Fingerprint(text);
  logger_.Log(LogLevel::kInfo, "safety refused a message",
              {{"event.action", std::string_view("safety_refused")},
               {"event.reason", std::string_view(event.reason)},
               {"storybot.channel", std::string_view(event.channel)},
               {"storybot.user_hash", std::string_view(event.user_hash)},
               {"storybot.safety_detail", std::string_view(event.detail)},
               {"storybot.text_hash", std::string_view(text_hash)}},
              message.trace_id);
  store_.RecordEvent(event);
}

GateAnswer SafetyService::Admit(const InboundMessage& message, bool writes_story,
                                Language language) {
  const SafetyLimits limits = this->limits();
  const std::string user = message.user_id.empty() ? message.chat_id : message.user_id;
  const std::int64_t now = clock_.UnixSeconds();
  GateFacts facts;
  facts.flood = flood_.Admit(message.channel + "\n" + message.chat_id, limits.chat_per_minute);
  facts.writes_story = writes_story;
  if (facts.flood == FloodVerdict::kAnswer && writes_story) {
    Result<std::vector<std::int64_t>> starts =
        store_.StoryStarts(message.channel, user, now - kDaySeconds + 1);
    if (starts.ok()) {
      facts.quota = CheckQuota(std::move(starts).value(), now, limits);
    } else {  // a reader is not refused for storybot's own trouble
      logger_.Log(LogLevel::kWarn, "quota not checked: the store failed",
                  {{"error.message", std::string_view(starts.error().message)}}, message.trace_id);
    }
    if (!facts.quota || facts.quota->allowed()) {
      facts.moderation = moderator_.Check(message.text, message.trace_id);
      metrics_.CountModeration("request", VerdictLabel(facts.moderation->kind));
      if (facts.moderation->kind == ModerationVerdict::Kind::kUnavailable) {
        logger_.Log(LogLevel::kWarn,
                    "moderation service failed; the request was checked by the local lists only",
                    {{"error.message", std::string_view(facts.moderation->detail)}},
                    message.trace_id);
      }
    }
  }
  switch (DecideGate(facts)) {
    case GateOutcome::kProceed:
      if (writes_story) store_.RecordStoryStart(message.channel, user, now);
      return {};
    case GateOutcome::kFloodNotice:
      metrics_.CountLimitRejection("chat_flood");
      Refused(message, "flood", "", "");
      return {GateAnswer::Kind::kReply, FloodText(language)};
    case GateOutcome::kSilent:
      metrics_.CountLimitRejection("chat_flood");
      return {GateAnswer::Kind::kSilent, ""};
    case GateOutcome::kOverHourly:
    case GateOutcome::kOverDaily: {
      const bool hourly = facts.quota->kind == QuotaVerdict::Kind::kOverHourly;
      metrics_.CountLimitRejection(hourly ? "user_hour" : "user_day");
      Refused(message, hourly ? "over_hourly_limit" : "over_daily_limit", "", "");
      return {GateAnswer::Kind::kReply, OverLimitText(language, facts.quota->retry_at - now)};
    }
    case GateOutcome::kBlocked:
      Refused(message, "blocked_request",
              facts.moderation->category + ":" + facts.moderation->detail, message.text);
      return {GateAnswer::Kind::kReply, RefusalText(language)};
  }
  return {};
}

}  // namespace storybot
