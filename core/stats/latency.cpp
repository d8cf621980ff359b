#include "core/stats/latency.h"

#include <algorithm>
#include <cmath>

namespace storybot {

std::size_t LatencyBucket(double ms) {
  const auto it = std::lower_bound(kLatencyBoundsMs.begin(), kLatencyBoundsMs.end(), ms,
                                   [](std::int64_t bound, double v) { return bound < v; });
  return static_cast<std::size_t>(it - kLatencyBoundsMs.begin());
}

std::string LatencyBucketLabel(std::size_t index) {
  return index < kLatencyBoundsMs.size() ? std::to_string(kLatencyBoundsMs[index]) : "inf";
}

std::optional<std::size_t> LatencyBucketOf(const std::string& label) {
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    if (LatencyBucketLabel(i) == label) return i;
  }
  return std::nullopt;
}

std::optional<double> PercentileFromBuckets(const LatencyCounts& counts, double q) {
  std::int64_t total = 0;
  for (std::int64_t c : counts) total += std::max<std::int64_t>(c, 0);
  if (total == 0) return std::nullopt;
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  std::int64_t below = 0;
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    const std::int64_t count = std::max<std::int64_t>(counts[i], 0);
    if (count == 0 || static_cast<double>(below + count) < rank) {
      below += count;
      continue;
    }
    if (i == kLatencyBoundsMs.size()) return static_cast<double>(kLatencyBoundsMs.back());
    const double lower = i == 0 ? 0.0 : static_cast<double>(kLatencyBoundsMs[i - 1]);
    const double upper = static_cast<double>(kLatencyBoundsMs[i]);
    return lower +
           (upper - lower) * (rank - static_cast<double>(below)) / static_cast<double>(count);
  }
  return static_cast<double>(kLatencyBoundsMs.back());
}

}  // namespace storybot
