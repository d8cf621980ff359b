#pragma once
// Writes stories with the configured engine and never leaves a user without one: when the LLM
// fails after its retries, the offline storyteller answers instead (logged as a warning with the
// trace id and counted as storybot_llm_requests_total{outcome="fallback"}).
#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/stats/stats_recorder.h"
#include "core/story/story.h"

namespace storybot {

// Whether the LLM may write now (core/safety/token_budget.h: the daily token budget), and what
// it used. Thread-safe.
class LlmAllowance {
 public:
  virtual ~LlmAllowance() = default;
  virtual bool Allows() = 0;
  virtual void Used(std::int64_t tokens) = 0;
};

class StoryWriter final : public StoryBackend {
 public:
  // `llm` may be null (offline only). Both backends, metrics, logger and clock must outlive the
  // writer; story durations are measured on `clock`. `stats` (may be null) gets each LLM call's
  // latency and each fallback for the hourly charts.
  StoryWriter(StoryBackend* llm, StoryBackend& offline, Metrics& metrics, Logger& logger,
              Clock& clock = Clock::Real(), StatsRecorder* stats = nullptr)
      : llm_(llm),
        offline_(offline),
        metrics_(metrics),
        logger_(logger),
        clock_(clock),
        stats_(stats) {}

  std::string_view name() const override {
    return llm_ != nullptr ? llm_->name() : offline_.name();
  }
  void Generate(StoryRequest request, StoryCallback done) override;
  // While `allowance` refuses, the offline storyteller writes (no fallback is counted). Call
  // before the first Generate; it must outlive the writer.
  void SetAllowance(LlmAllowance* allowance) { allowance_ = allowance; }

 private:
  void Offline(StoryRequest request, StoryCallback done);

  StoryBackend* llm_;
  StoryBackend& offline_;
  Metrics& metrics_;
  Logger& logger_;
  Clock& clock_;
  LlmAllowance* allowance_ = nullptr;
  StatsRecorder* stats_;
};

}  // namespace storybot
