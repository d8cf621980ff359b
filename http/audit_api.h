#pragma once
// GET /api/audit (the audit trail, newest first, paged) and GET /api/me (who am I, my role).
#include "core/admin/audit_log.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::http {

// `audit` and `pool` must outlive the router.
void AddAuditRoutes(Router& router, AuditLog& audit, WorkPool& pool);

}  // namespace storybot::http
