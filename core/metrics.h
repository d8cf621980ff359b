#pragma once
// Prometheus metrics (prometheus-cpp core registry), rendered by storybot's own GET /metrics.
// Thread-safe. Names are documented in README "Logs and metrics": users alert on them.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace storybot {

class Metrics {
 public:
  // `channels`: every channel storybot knows (on or off), so that their series exist from the
  // start (app/channels.cpp lists them). process_start_time_seconds is read from `clock`.
  explicit Metrics(std::string_view version, const std::vector<std::string>& channels = {},
                   const Clock& clock = Clock::Real());
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished HTTP request; `route` is the matched pattern (e.g. /api/prompts/{id}), never the
  // raw path, so label cardinality stays bounded.
  void ObserveHttpRequest(std::string_view method, std::string_view route, int status,
                          double seconds);

  // Channels and stories (README "Logs and metrics"). Label values are small fixed sets.
  void CountMessageReceived(std::string_view channel);
  void CountReplySent(std::string_view channel, std::string_view outcome);  // sent|failed|dead
  void ObserveStory(std::string_view engine, double seconds);
  // outcome: success | retry | error | fallback
  void CountLlmRequest(std::string_view outcome);
  void CountLlmTokens(std::string_view kind, std::int64_t tokens);  // kind: prompt | completion
  void SetJobsPending(std::int64_t jobs);
  void CountJobDeadLettered();
  // A store call that failed (e.g. the disk is full); the job waits and the call is retried.
  // operation: enqueue | load_chat | save_reply | retry_later | finish
  void CountStorageError(std::string_view operation);
  void SetJobsHeld(std::int64_t jobs);  // jobs waiting to retry a failed store call

  // Safety (README "Safety and limits"). kind: user_hour | user_day | chat_flood | llm_budget
  void CountLimitRejection(std::string_view kind);
  // stage: request | story; verdict: allow | block | error
  void CountModeration(std::string_view stage, std::string_view verdict);
  void SetLlmBudgetTokensUsed(std::int64_t tokens);  // today's (UTC) LLM tokens
  void SetLlmBudgetTokens(std::int64_t tokens);      // the daily budget; 0: none

  // Prometheus text exposition format 0.0.4, process metrics refreshed first.
  std::string Render();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storybot
