#pragma once
// Who is calling /webhooks/{integration}/…: the integration named in the path, with the
// request's Standard Webhooks signature checked against its secrets valid now (the previous one
// too during a rotation's grace). Thread-safe.
#include <optional>
#include <string_view>

#include "channels/webhook/integration_registry.h"
#include "core/clock.h"
#include "core/logging.h"
#include "http/exchange.h"

namespace storybot::webhook {

// Replies 404 (no such integration) or 401 (signature) itself and returns nullopt; a refused
// signature is logged as a warning (never the secret).
std::optional<Integration> AuthenticateRequest(const http::ExchangePtr& ex, std::string_view body,
                                               const IntegrationRegistry& registry, Logger& logger,
                                               const Clock& clock);

}  // namespace storybot::webhook
