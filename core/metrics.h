#pragma once
// Prometheus metrics (prometheus-cpp core registry), rendered by storybot's own GET /metrics.
// Thread-safe. Names are part of the contract (section 6).
#include <memory>
#include <string>
#include <string_view>

namespace storybot {

class Metrics {
 public:
  explicit Metrics(std::string_view version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished HTTP request; `route` is the matched pattern (e.g. /api/prompts/{id}), never the
  // raw path, so label cardinality stays bounded.
  void ObserveHttpRequest(std::string_view method, std::string_view route, int status,
                          double seconds);

  // Prometheus text exposition format 0.0.4, process metrics refreshed first.
  std::string Render();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storybot
