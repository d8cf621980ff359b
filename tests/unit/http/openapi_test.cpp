// The OpenAPI document and the router agree: every API route is documented, and every
// documented operation is routed.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "channels/webhook/admin_api.h"
#include "core/metrics.h"
#include "core/prompt_service.h"
#include "core/safety/safety_service.h"
#include "core/stats/stats_recorder.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_admin_store.h"
#include "core/storage/sqlite_chat_store.h"
#include "core/storage/sqlite_integration_store.h"
#include "core/storage/sqlite_prompt_store.h"
#include "core/storage/sqlite_safety_store.h"
#include "core/storage/sqlite_stats_store.h"
#include "core/story/offline_storyteller.h"
#include "core/work_pool.h"
#include "http/audit_api.h"
#include "http/jobs_api.h"
#include "http/prompts_api.h"
#include "http/safety_api.h"
#include "http/stats_api.h"
#include "http/story_api.h"
#include "http/system_api.h"
#include "tests/support/storybot_process.h"

namespace storybot::http {
namespace {

// "GET /api/prompts/{id}" for every operation under `paths:` (two-space paths, four-space verbs).
std::set<std::string> DocumentedOperations(std::string_view yaml) {
  std::set<std::string> ops;
  std::istringstream in{std::string(yaml)};
  std::string line, path;
  bool in_paths = false;
  for (std::size_t n = 0; std::getline(in, line); ++n) {
    if (line.rfind("paths:", 0) == 0) {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;  // next top-level key
    if (line.rfind("  /", 0) == 0) {
      path = line.substr(2, line.find(':') - 2);
      continue;
    }
    for (const char* verb : {"get", "post", "put", "delete", "patch"}) {
      if (line == std::string("    ") + verb + ":") {
        std::string upper(verb);
        for (char& c : upper) c = static_cast<char>(std::toupper(c));
        ops.insert(upper + " " + path);
      }
    }
  }
  return ops;
}

TEST(OpenApiTest, DocumentMatchesTheRoutes) {
  test::TempDir dir;
  auto db = Database::Open(dir.File("storybot.db"));
  ASSERT_TRUE(db.ok());
  SqlitePromptStore store(*db.value());
  PromptService prompts(store);
  WorkPool pool(1);
  Metrics metrics("test");
  Router router;
  AddSystemRoutes(router, metrics, {});
  auto writer = GroupCommitWriter::Open(dir.File("storybot.db"));
  ASSERT_TRUE(writer.ok());
  SqliteChatStore chats(*db.value(), *writer.value());
  AddPromptRoutes(router, prompts, pool, chats);
  OfflineStoryteller offline;
  AddStoryRoutes(router, {prompts, chats, offline, {}, pool, {}});
  AddJobRoutes(router, {chats, pool, [](Job) {}});
  SqliteIntegrationStore integration_store(*db.value(), *writer.value());
  webhook::IntegrationRegistry integrations(integration_store);
  AddIntegrationRoutes(router, integrations, pool);
  auto logger = Logger::Open({"", LogLevel::kError, false}).value();
  SqliteSafetyStore safety_store(*db.value(), *writer.value(), *logger);
  Moderator moderator(ModerationMode::kLocal, nullptr);
  TokenBudget budget(safety_store, metrics, *logger, Clock::Real());
  SafetyService safety({}, moderator, budget, safety_store, metrics, *logger, Clock::Real());
  AddSafetyRoutes(router, safety, pool);
  SqliteStatsStore stats_store(*db.value(), *writer.value());
  StatsRecorder stats(stats_store, Clock::Real());
  AddStatsRoutes(router, {stats_store, stats, pool, Clock::Real(), {}});
  SqliteAuditLog audit(*db.value(), *writer.value());
  AddAuditRoutes(router, audit, pool);

  std::set<std::string> routed;
  for (const Route& r : router.routes()) {
    if (r.pattern == "/") continue;  // the redirect to the panel is not part of the API
    routed.insert(r.method + " " + r.pattern);
  }
  // Channel routes that are part of the public contract; their modules add them
  // (tests/integration/discord_test.cpp drives this one).
  routed.insert("POST /discord/interactions");
  const std::set<std::string> documented = DocumentedOperations(OpenApiYaml());
  EXPECT_FALSE(documented.empty());
  EXPECT_EQ(documented, routed);
  EXPECT_EQ(OpenApiYaml().rfind("openapi: 3", 0), 0u);
}

}  // namespace
}  // namespace storybot::http
