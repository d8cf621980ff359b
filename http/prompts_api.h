#pragma once
// The prompts admin API (http/openapi.yaml): /api/prompts and /api/prompts/{id}[/versions].
#include "core/prompt_service.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

// Reads are answered on the I/O thread from the service's cached snapshot; writes (fsync) run on
// `pool`. Both references must outlive the router.
void AddPromptRoutes(Router& router, PromptService& prompts, WorkPool& pool);

// JSON shapes, shared with other handlers that show prompts.
std::string PromptJson(const Prompt& prompt);

}  // namespace storybot::http
