#pragma once
// The conversations admin API (http/openapi.yaml): GET /api/conversations (filtered, paged),
// GET /api/conversations/{id} (the whole transcript) and POST /api/conversations/{id}/reset.
#include <string>
#include <vector>

#include "core/jobs/chat_store.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

// `chats` and `pool` must outlive the router; `known_channels` are every channel, on or off (an
// off channel's conversations stay listed).
void AddConversationRoutes(Router& router, ChatStore& chats, WorkPool& pool,
                           std::vector<std::string> known_channels);

}  // namespace storybot::http
