#pragma once
// A small fixed-bucket latency histogram: an hour's LLM calls are stored as a count per bucket,
// so p50/p95 come from eleven numbers per hour instead of one row per call.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace storybot {

// Upper bounds in milliseconds; the last bucket (label "inf") holds everything slower.
inline constexpr std::array<std::int64_t, 10> kLatencyBoundsMs = {100,  250,  500,   1000,  2000,
                                                                  4000, 8000, 16000, 32000, 64000};
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsMs.size() + 1;
using LatencyCounts = std::array<std::int64_t, kLatencyBuckets>;

// The bucket a call of `ms` milliseconds falls in (a bound is inclusive, as in Prometheus' `le`).
std::size_t LatencyBucket(double ms);
// The stored label of bucket `index`: its bound ("100", ..., "64000") or "inf".
std::string LatencyBucketLabel(std::size_t index);
// The bucket a stored label names; nullopt for anything else.
std::optional<std::size_t> LatencyBucketOf(const std::string& label);

// The `q` quantile (0 < q <= 1) in milliseconds, interpolated linearly inside its bucket the way
// Prometheus' histogram_quantile does; a quantile in the "inf" bucket answers the highest bound.
// nullopt when there were no calls (no data is not 0 ms).
std::optional<double> PercentileFromBuckets(const LatencyCounts& counts, double q);

}  // namespace storybot
