#include "core/safety/token_budget.h"

namespace storybot {

Status TokenBudget::Load() {
  const std::int64_t day = UtcDay(clock_.UnixSeconds());
  Result<std::int64_t> used = store_.TokensUsed(day);
  if (!used.ok()) return used.error();
  std::lock_guard lock(mutex_);
  day_ = day;
  used_ = used.value();
  metrics_.SetLlmBudgetTokensUsed(used_);
  return {};
}

void TokenBudget::SetLimit(std::int64_t tokens) {
  std::lock_guard lock(mutex_);
  limit_ = tokens;
  metrics_.SetLlmBudgetTokens(tokens);
}

void TokenBudget::RollDay() {
  const std::int64_t day = UtcDay(clock_.UnixSeconds());
  if (day == day_) return;
  day_ = day;
  used_ = 0;
  metrics_.SetLlmBudgetTokensUsed(0);
}

bool TokenBudget::Allows() {
  std::int64_t used = 0;
  std::int64_t limit = 0;
  {
    std::lock_guard lock(mutex_);
    RollDay();
    if (limit_ <= 0 || used_ < limit_) return true;
    metrics_.CountLimitRejection("llm_budget");
    if (warned_day_ == day_) return false;
    warned_day_ = day_;
    used = used_;
    limit = limit_;
  }
  logger_.Log(LogLevel::kWarn,
              "LLM daily token budget spent; the offline storyteller writes until midnight UTC",
              {{"event.action", std::string_view("llm_budget_spent")},
               {"labels.tokens_used", used},
               {"labels.tokens_budget", limit}});
  return false;
}

void TokenBudget::Used(std::int64_t tokens) {
  if (tokens <= 0) return;
  std::int64_t day = 0;
  {
    std::lock_guard lock(mutex_);
    RollDay();
    used_ += tokens;
    day = day_;
    metrics_.SetLlmBudgetTokensUsed(used_);
  }
  store_.AddTokens(day, tokens);
}

TokenBudget::State TokenBudget::Now() {
  std::lock_guard lock(mutex_);
  RollDay();
  return {limit_, used_, limit_ > 0 && used_ >= limit_};
}

}  // namespace storybot
