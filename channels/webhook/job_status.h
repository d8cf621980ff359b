#pragma once
// GET /webhooks/{integration}/jobs/{id} (docs/webhooks.md, "Job status"): a job as its
// integration may see it: status pending/done/failed, the story once written, and its callback's
// delivery state. Thread-safe.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/integrations.h"
#include "core/work_pool.h"
#include "http/exchange.h"

namespace storybot::webhook {

// A job id as written in the path: a positive decimal integer, nothing else.
std::optional<std::int64_t> ParseJobId(std::string_view text);

// The status body. The deliveries states dead and failed are both "failed" to the integration.
boost::json::object JobStatusObject(const WebhookJob& job);

// Answers the request of `integration` (already authenticated) for the job in the path: 200, or
// 404 for a job that is not its own or does not exist. The store is read on `pool`.
void ServeJobStatus(const http::ExchangePtr& ex, const Integration& integration,
                    IntegrationStore& store, WorkPool& pool);

}  // namespace storybot::webhook
