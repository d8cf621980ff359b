#pragma once
// Admin endpoints over stories and chats: POST /api/stories/preview, GET /api/conversations,
// GET /api/stats (http/openapi.yaml).
#include <string>
#include <vector>

#include "core/jobs/chat_store.h"
#include "core/prompt_service.h"
#include "core/safety/token_budget.h"
#include "core/story/story.h"
#include "core/story/story_engine.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

struct StoryApiDeps {
  PromptService& prompts;
  ChatStore& chats;
  StoryBackend& story_writer;  // the StoryWriter: LLM with offline fallback
  EngineOptions engine;
  WorkPool& pool;                           // for database reads
  std::vector<std::string> channels;        // the channels that are on, for /api/stats
  std::vector<std::string> known_channels;  // every channel, on or off: the conversations filter
  TokenBudget* budget = nullptr;            // the LLM's daily budget, for /api/stats
};

void AddStoryRoutes(Router& router, StoryApiDeps deps);

}  // namespace storybot::http
