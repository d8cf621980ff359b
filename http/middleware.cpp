#include "http/middleware.h"

#include <algorithm>
#include <random>

#include "core/secrets.h"

namespace storybot::http {

Pipeline::Pipeline(std::vector<Middleware> chain, Next terminal)
    : chain_(std::move(chain)), terminal_(std::move(terminal)) {}

void Pipeline::Run(const ExchangePtr& exchange, std::size_t index) const {
  if (index == chain_.size()) {
    terminal_(exchange);
    return;
  }
  chain_[index](exchange, [this, index](const ExchangePtr& ex) { Run(ex, index + 1); });
}

bool IsValidTraceId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::string NewTraceId() {
  // Trace ids need uniqueness, not secrecy: a per-thread generator seeded from the OS is enough.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (std::size_t i = 0; i < 32; i += 16) {
    std::uint64_t bits = generator();
    for (std::size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = kHex[bits & 0xF];
  }
  return id;
}

Middleware TraceIdMiddleware() {
  return [](const ExchangePtr& ex, const Next& next) {
    const std::string_view given = ex->request().Header("X-Trace-Id");
    ex->trace_id = IsValidTraceId(given) ? std::string(given) : NewTraceId();
    ex->OnReply([ex_raw = ex.get()](Response& r) { r.Set("X-Trace-Id", ex_raw->trace_id); });
    next(ex);
  };
}

Middleware ObservabilityMiddleware(Logger& logger, Metrics& metrics) {
  return [&logger, &metrics](const ExchangePtr& ex, const Next& next) {
    ex->OnReply([&logger, &metrics, ex_raw = ex.get()](Response& r) {
      const auto elapsed = std::chrono::steady_clock::now() - ex_raw->started;
      const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
      const Request& req = ex_raw->request();
      metrics.ObserveHttpRequest(req.method, ex_raw->route, r.status,
                                 static_cast<double>(nanos) / 1e9);
      const std::string message = req.method + " " + req.path + " " + std::to_string(r.status);
      logger.Access(message,
                    {{"http.request.method", std::string_view(req.method)},
                     {"url.path", std::string_view(req.path)},
                     {"http.response.status_code", static_cast<std::int64_t>(r.status)},
                     {"event.duration", static_cast<std::int64_t>(nanos)},
                     {"client.ip", std::string_view(req.remote_ip)},
                     {"user_agent.original", req.Header("User-Agent")},
                     {"http.route", std::string_view(ex_raw->route)},
                     {"user.name",
                      ex_raw->admin ? std::string_view(ex_raw->admin->name) : std::string_view()}},
                    ex_raw->trace_id);
      if (r.status >= 500 && !ex_raw->error_cause.empty()) {
        logger.Log(LogLevel::kError, "request failed: " + message,
                   {{"error.message", std::string_view(ex_raw->error_cause)},
                    {"http.request.method", std::string_view(req.method)},
                    {"url.path", std::string_view(req.path)},
                    {"http.response.status_code", static_cast<std::int64_t>(r.status)},
                    {"http.route", std::string_view(ex_raw->route)}},
                   ex_raw->trace_id);
      }
    });
    next(ex);
  };
}

Middleware CorsMiddleware(std::vector<std::string> allowed_origins) {
  return [origins = std::move(allowed_origins)](const ExchangePtr& ex, const Next& next) {
    const std::string_view origin = ex->request().Header("Origin");
    if (origin.empty()) {
      next(ex);
      return;
    }
    const bool allowed = std::find(origins.begin(), origins.end(), origin) != origins.end();
    const bool preflight = ex->request().method == "OPTIONS" &&
                           !ex->request().Header("Access-Control-Request-Method").empty();
    if (preflight) {
      ex->route = "preflight";
      Response r;
      r.status = 204;
      r.Set("Vary", "Origin");
      if (allowed) {
        r.Set("Access-Control-Allow-Origin", std::string(origin));
        r.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        r.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Trace-Id");
        r.Set("Access-Control-Max-Age", "3600");
      }
      ex->Reply(std::move(r));
      return;
    }
    ex->OnReply([allowed, value = std::string(origin)](Response& r) {
      r.Set("Vary", "Origin");
      if (!allowed) return;
      r.Set("Access-Control-Allow-Origin", value);
      r.Set("Access-Control-Expose-Headers", "X-Trace-Id, Location");
    });
    next(ex);
  };
}

std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  // The scheme is case-insensitive (RFC 9110).
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return {};
    }
  }
  return authorization.substr(kScheme.size());
}

bool IsAuthorized(std::string_view authorization, std::string_view token) {
  const std::string_view given = BearerToken(authorization);
  return !given.empty() && ConstantTimeEquals(given, token);  // constant time
}

AccessDecision DecideAccess(Auth auth, std::string_view method,
                            const std::optional<AdminIdentity>& admin) {
  if (auth == Auth::kNone) return AccessDecision::kAllow;
  if (!admin) return AccessDecision::kUnauthenticated;
  if (admin->role == AdminRole::kEditor || auth == Auth::kAdminRead) return AccessDecision::kAllow;
  const bool reads = method == "GET" || method == "HEAD";
  return reads ? AccessDecision::kAllow : AccessDecision::kForbidden;
}

Next Dispatcher(const Router& router, std::string admin_token, Logger& logger) {
  AdminAccess access;
  access.authenticate =
      [token = std::move(admin_token)](std::string_view given) -> std::optional<AdminIdentity> {
    if (token.empty() || !ConstantTimeEquals(given, token)) return std::nullopt;
    return AdminIdentity{std::string(kBootstrapAdminName), AdminRole::kEditor};
  };
  return Dispatcher(router, std::move(access), logger);
}

Next Dispatcher(const Router& router, AdminAccess access, Logger& logger) {
  return [&router, access = std::move(access), &logger](const ExchangePtr& ex) {
    if (ex->early_error) {
      const EarlyError& e = *ex->early_error;
      return ReplyError(ex, e.status, e.code, e.message);
    }
    Router::Match match = router.Find(ex->request().method, ex->request().path);
    if (match.route == nullptr) {
      if (match.allowed.empty()) {
        ReplyError(ex, 404, "not_found", "no route for " + ex->request().path);
        return;
      }
      std::string allow;
      for (const std::string& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      ex->OnReply([allow](Response& r) { r.Set("Allow", allow); });
      ReplyError(ex, 405, "method_not_allowed",
                 ex->request().method + " is not allowed here; use " + allow);
      return;
    }
    ex->route = match.route->pattern;
    ex->params = std::move(match.params);
    if (match.route->auth != Auth::kNone) {
      const std::string_view token = BearerToken(ex->request().Header("Authorization"));
      if (!token.empty() && access.authenticate) ex->admin = access.authenticate(token);
      switch (DecideAccess(match.route->auth, ex->request().method, ex->admin)) {
        case AccessDecision::kUnauthenticated:
          ex->OnReply([](Response& r) { r.Set("WWW-Authenticate", "Bearer"); });
          ReplyError(ex, 401, "unauthenticated", "missing or invalid admin token");
          return;
        case AccessDecision::kForbidden:
          ReplyError(ex, 403, "forbidden",
                     "admin " + ex->admin->name + " is a viewer; " + ex->request().method + " " +
                         ex->route + " needs an editor");
          return;
        case AccessDecision::kAllow:
          break;
      }
      ex->audit = access.audit;
      ex->audit_logger = &logger;
    }
    try {
      match.route->handler(ex);
    } catch (const std::exception& e) {
      logger.Log(LogLevel::kError, "handler failed",
                 {{"error.message", std::string_view(e.what())}}, ex->trace_id);
      ReplyError(ex, 500, "internal", "internal error");
    }
  };
}

}  // namespace storybot::http
