#pragma once
// The integrations admin API (docs/webhooks.md): GET/POST /api/integrations,
// POST /api/integrations/{name}/rotate, PATCH and DELETE /api/integrations/{name}. A secret appears in
// the answers to POST (create, rotate) only, never in lists or logs.
#include "channels/webhook/integration_registry.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::webhook {

// Writes (SQLite) run on `pool`; both references must outlive the router.
void AddIntegrationRoutes(http::Router& router, IntegrationRegistry& registry, WorkPool& pool);

}  // namespace storybot::webhook
