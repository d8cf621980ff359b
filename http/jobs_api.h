#pragma once
// The jobs admin API (http/openapi.yaml): GET /api/jobs lists waiting, retrying, dead-lettered
// and failed jobs; POST /api/jobs/{id}/retry runs a dead or failed one again now;
// DELETE /api/jobs/{id} discards one.
#include <functional>

#include "core/jobs/chat_store.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

struct JobsApiDeps {
  ChatStore& chats;  // writes go through its group-commit writer
  WorkPool& pool;    // for database reads
  // Hands a re-queued job to the running job runner (JobRunner::Requeue).
  std::function<void(Job)> run_now;
};

void AddJobRoutes(Router& router, JobsApiDeps deps);

}  // namespace storybot::http
