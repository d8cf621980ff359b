#pragma once
// The prompts admin API (http/openapi.yaml): /api/prompts and /api/prompts/{id}[/versions].
#include "core/jobs/chat_store.h"
#include "core/prompt_service.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

// Reads are answered on the I/O thread from the service's cached snapshot; writes (fsync) run on
// `pool`. The list carries each prompt's usage_count from `usage` (re-read on `pool` only after
// a story was written). The references must outlive the router.
void AddPromptRoutes(Router& router, PromptService& prompts, WorkPool& pool, ChatStore& usage);

// JSON shapes, shared with other handlers that show prompts.
std::string PromptJson(const Prompt& prompt);

}  // namespace storybot::http
