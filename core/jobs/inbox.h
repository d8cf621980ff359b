#pragma once
// The front door every channel uses: store the delivery durably (de-duplicated by its key), then
// hand the new job to the runner. `done` runs after the commit, so a channel answers 2xx only
// for what is on disk (README "The delivery promise").
#include <functional>
#include <string>

#include "core/jobs/chat_store.h"
#include "core/jobs/job_runner.h"
#include "core/logging.h"
#include "core/metrics.h"

namespace storybot {

class Inbox {
 public:
  Inbox(ChatStore& store, JobRunner& runner, Metrics& metrics, Logger& logger)
      : store_(store), runner_(runner), metrics_(metrics), logger_(logger) {}

  // Accepts an inbound delivery: commits it (de-duplicated by `dedupe_key`), then calls `done`,
  // and only then may the channel acknowledge it. `done` runs on the database writer's thread:
  // keep it short (reply, then return).
  void Accept(const std::string& dedupe_key, InboundMessage message,
              std::function<void(Result<EnqueueResult>)> done);

 private:
  ChatStore& store_;
  JobRunner& runner_;
  Metrics& metrics_;
  Logger& logger_;
};

}  // namespace storybot
