#pragma once
// Operational endpoints: /healthz, /readyz, /metrics, /api/openapi.yaml and the / redirect.
#include <functional>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "http/router.h"

namespace storybot::http {

// One dependency /readyz asks; `check` must be quick and thread-safe. `problem`, when given,
// replaces `check`: empty means ok, otherwise it says why the part cannot work (shown in
// /readyz's "problems" so an operator sees which channel is down and why).
struct ReadinessCheck {
  std::string name;
  std::function<bool()> check;
  std::function<std::string()> problem = nullptr;
};

void AddSystemRoutes(Router& router, Metrics& metrics, std::vector<ReadinessCheck> checks);

// The OpenAPI 3 document of the admin API (http/openapi.yaml, embedded at build time).
std::string_view OpenApiYaml();

}  // namespace storybot::http
