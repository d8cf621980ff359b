#pragma once
// The integrations admin API (contract section 3, issue 6): GET/POST /api/integrations,
// POST /api/integrations/{name}/rotate, DELETE /api/integrations/{name}. A secret appears in
// the answers to POST (create, rotate) only, never in lists or logs.
#include "adapters/webhook/integration_registry.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

// Writes (SQLite) run on `pool`; both references must outlive the router.
void AddIntegrationRoutes(Router& router, webhook::IntegrationRegistry& registry, WorkPool& pool);

}  // namespace storybot::http
