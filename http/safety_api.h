#pragma once
// The safety admin API (http/openapi.yaml): GET/PUT /api/safety/limits,
// GET/PUT /api/safety/blocklist and GET /api/safety/events. Changes apply at once.
#include "core/safety/safety_service.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

// The most words the admins' list may hold, and the longest word (in characters).
inline constexpr std::size_t kMaxBlockedWords = 10000;
inline constexpr std::size_t kMaxBlockedWordCharacters = 100;

// Reads answer from memory; writes (fsync) and the events' database read run on `pool`. Both
// must outlive the router.
void AddSafetyRoutes(Router& router, SafetyService& safety, WorkPool& pool);

}  // namespace storybot::http
