#pragma once
// The request pipeline: a chain of middleware, each calling `next` to go on (or replying itself),
// ending in the router's dispatch. Every piece is built once at start from immutable config.
#include <functional>
#include <string>
#include <vector>

#include "core/logging.h"
#include "core/metrics.h"
#include "http/exchange.h"
#include "http/router.h"

namespace storybot::http {

using Next = std::function<void(const ExchangePtr&)>;
using Middleware = std::function<void(const ExchangePtr&, const Next&)>;

class Pipeline {
 public:
  Pipeline(std::vector<Middleware> chain, Next terminal);
  void Handle(const ExchangePtr& exchange) const { Run(exchange, 0); }

 private:
  void Run(const ExchangePtr& exchange, std::size_t index) const;
  std::vector<Middleware> chain_;
  Next terminal_;
};

// True for 1-64 characters of [A-Za-z0-9_-].
bool IsValidTraceId(std::string_view id);
// 32 lowercase hex characters.
std::string NewTraceId();

// Takes the request's X-Trace-Id when valid, else makes one; echoes it on the response.
Middleware TraceIdMiddleware();

// One ECS access-log line and the HTTP metrics per request, at reply time.
Middleware ObservabilityMiddleware(Logger& logger, Metrics& metrics);

// CORS for an allowlist of origins: preflights answered 204 here; allowed origins get
// Access-Control-Allow-Origin, others get no Access-Control-Allow-* header at all.
Middleware CorsMiddleware(std::vector<std::string> allowed_origins);

// True when `authorization` is "Bearer <token>" with the right token (constant time).
bool IsAuthorized(std::string_view authorization, std::string_view token);

// The bearer token of "Authorization: Bearer <token>" (scheme case-insensitive), or empty.
std::string_view BearerToken(std::string_view authorization);

enum class AccessDecision { kAllow, kUnauthenticated, kForbidden };
// Who may call what: no admin → 401 on admin routes; a viewer → 403 on a kAdmin route with a
// method other than GET/HEAD; an editor → everything.
AccessDecision DecideAccess(Auth auth, std::string_view method,
                            const std::optional<AdminIdentity>& admin);

struct AdminAccess {
  // The admin for a bearer token, or nullopt. Called on the I/O thread: must not block.
  std::function<std::optional<AdminIdentity>(std::string_view token)> authenticate;
  AuditLog* audit = nullptr;  // where admin writes are recorded; null: nowhere
};

// Matches the route (404 / 405 with Allow), checks admin auth and role (401 / 403), calls the
// handler. Exceptions from a handler become a 500 without internals, logged with the trace id.
Next Dispatcher(const Router& router, AdminAccess access, Logger& logger);
// Only the one bootstrap token (an editor named "bootstrap"), nothing recorded.
Next Dispatcher(const Router& router, std::string admin_token, Logger& logger);

}  // namespace storybot::http
