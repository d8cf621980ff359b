#pragma once
// The LLM's daily token budget: tokens are counted from each answer's `usage` (durably, per UTC
// day); once the day's budget is spent the offline storyteller writes until midnight UTC. The
// first refusal of a day is logged once as a warning.
#include <atomic>
#include <cstdint>
#include <mutex>

#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/safety/safety_store.h"
#include "core/story/story_writer.h"

namespace storybot {

// The UTC day (days since 1970-01-01) of unix seconds `at`.
inline std::int64_t UtcDay(std::int64_t at) { return at >= 0 ? at / 86400 : (at - 86399) / 86400; }

class TokenBudget final : public LlmAllowance {
 public:
  TokenBudget(SafetyStore& store, Metrics& metrics, Logger& logger, Clock& clock)
      : store_(store), metrics_(metrics), logger_(logger), clock_(clock) {}

  // Reads today's usage from the store (what earlier runs spent today still counts).
  Status Load();
  void SetLimit(std::int64_t tokens);  // 0: no budget

  bool Allows() override;
  void Used(std::int64_t tokens) override;

  struct State {
    std::int64_t limit = 0;
    std::int64_t used_today = 0;
    bool spent = false;
  };
  State Now();

 private:
  void RollDay();  // mutex_ held

  SafetyStore& store_;
  Metrics& metrics_;
  Logger& logger_;
  Clock& clock_;
  std::mutex mutex_;
  std::int64_t limit_ = 0;
  std::int64_t day_ = 0;
  std::int64_t used_ = 0;
  std::int64_t warned_day_ = -1;
};

}  // namespace storybot
