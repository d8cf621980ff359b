#pragma once
// Safety at run time: the limits in force (the environment's, then what admins stored), flood
// control, quotas, request moderation and the refusal log. The job runner asks Admit() before
// any story work; the admin API (http/safety_api.h) reads and changes the limits and the list,
// which apply at once.
#include <mutex>
#include <string>
#include <vector>

#include "core/chat.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/safety/flood_gate.h"
#include "core/safety/gate.h"
#include "core/safety/limits.h"
#include "core/safety/moderator.h"
#include "core/safety/safety_store.h"
#include "core/safety/token_budget.h"
#include "core/story/story.h"

namespace storybot {

// What to do with a message instead of (or before) the usual answer.
struct GateAnswer {
  enum class Kind { kProceed, kReply, kSilent };
  Kind kind = Kind::kProceed;
  std::string text;  // kReply
};

// The limit fields as the API and the store name them, in order.
inline constexpr std::string_view kLimitFields[] = {"user_per_hour", "user_per_day",
                                                    "chat_per_minute", "llm_daily_tokens"};
std::int64_t& LimitField(SafetyLimits& limits, std::string_view name);

// A short, stable hash for logs and events (hex of SHA-256, 16 characters): never the text.
std::string Fingerprint(std::string_view text);

class SafetyService {
 public:
  // `defaults`: from the settings. All references must outlive the service.
  SafetyService(SafetyLimits defaults, Moderator& moderator, TokenBudget& budget,
                SafetyStore& store, Metrics& metrics, Logger& logger, Clock& clock);

  // Applies what admins stored over the defaults, and today's token usage.
  Status Load();

  // For one message about to be answered: `writes_story` when the engine would write a new
  // story or chapter for it. Blocking (a database read, the moderation service): call it from a
  // worker thread.
  GateAnswer Admit(const InboundMessage& message, bool writes_story, Language language);

  SafetyLimits limits() const;
  // Stores `changes` (field name → value, each >= 0) and applies them; returns the new limits.
  Result<SafetyLimits> ChangeLimits(const std::map<std::string, std::int64_t>& changes);
  std::vector<std::string> words() const { return moderator_.AdminWords(); }
  Status ReplaceWords(std::vector<std::string> words);
  Result<std::vector<SafetyEvent>> Events(int limit) { return store_.Events(limit); }

  // A refusal: counted in events (and logged with the text's fingerprint, never the text).
  void Refused(const InboundMessage& message, std::string_view reason, std::string_view detail,
               std::string_view text);

 private:
  void Apply(const SafetyLimits& limits);  // mutex_ held or before sharing

  Moderator& moderator_;
  TokenBudget& budget_;
  SafetyStore& store_;
  Metrics& metrics_;
  Logger& logger_;
  Clock& clock_;
  FloodGate flood_;
  mutable std::mutex mutex_;
  SafetyLimits limits_;
};

}  // namespace storybot
