#pragma once
// Per-user story quotas over sliding windows, as a pure function of the times the user started
// stories: no clock, no storage, so the window edges are unit-tested exactly.
#include <cstdint>
#include <vector>

#include "core/safety/limits.h"

namespace storybot {

inline constexpr std::int64_t kHourSeconds = 3600;
inline constexpr std::int64_t kDaySeconds = 86400;

struct QuotaVerdict {
  enum class Kind { kAllowed, kOverHourly, kOverDaily };
  Kind kind = Kind::kAllowed;
  std::int64_t retry_at = 0;  // unix seconds when one more story is allowed (not kAllowed)
  bool allowed() const { return kind == Kind::kAllowed; }
};

// `starts`: unix seconds of the user's earlier story starts (any order; older than a day is
// ignored). A start counts in a window while `now - start < window`, so a start at T frees its
// place at exactly T + window. Both limits apply; the one that frees last sets `retry_at`.
QuotaVerdict CheckQuota(std::vector<std::int64_t> starts, std::int64_t now,
                        const SafetyLimits& limits);

}  // namespace storybot
