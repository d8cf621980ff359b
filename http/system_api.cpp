#include "http/system_api.h"

#include <boost/json.hpp>

namespace storybot::http {

void AddSystemRoutes(Router& router, Metrics& metrics, std::vector<ReadinessCheck> checks) {
  router.Add("GET", "/healthz", Auth::kNone,
             [](const ExchangePtr& ex) { ex->Reply(JsonResponse(200, R"({"status":"ok"})")); });

  router.Add("GET", "/readyz", Auth::kNone, [checks = std::move(checks)](const ExchangePtr& ex) {
    boost::json::object results;
    boost::json::object problems;
    bool ready = true;
    for (const ReadinessCheck& c : checks) {
      bool ok = true;
      if (c.problem) {
        std::string problem = c.problem();
        ok = problem.empty();
        if (!ok) problems[c.name] = std::move(problem);
      } else {
        ok = c.check();
      }
      results[c.name] = ok ? "ok" : "failing";
      ready = ready && ok;
    }
    boost::json::object body{{"status", ready ? "ready" : "not_ready"}, {"checks", results}};
    if (!problems.empty()) body["problems"] = std::move(problems);
    ex->Reply(JsonResponse(ready ? 200 : 503, boost::json::serialize(body)));
  });

  router.Add("GET", "/metrics", Auth::kNone, [&metrics](const ExchangePtr& ex) {
    Response r;
    r.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = metrics.Render();
    ex->Reply(std::move(r));
  });

  router.Add("GET", "/api/openapi.yaml", Auth::kNone, [](const ExchangePtr& ex) {
    Response r;
    r.Set("Content-Type", "application/yaml; charset=utf-8");
    r.body = std::string(OpenApiYaml());
    ex->Reply(std::move(r));
  });

  router.Add("GET", "/", Auth::kNone, [](const ExchangePtr& ex) {
    Response r;
    r.status = 302;
    r.Set("Location", "/admin/");
    ex->Reply(std::move(r));
  });
}

}  // namespace storybot::http
