#include "core/safety/quota.h"

#include <algorithm>

namespace storybot {
namespace {

// When the window of `length` seconds ending at `now` holds fewer than `limit` of the sorted
// `starts`: `now` if it already does, else the time the oldest surplus start leaves it.
std::int64_t FreeAt(const std::vector<std::int64_t>& sorted, std::int64_t now, std::int64_t limit,
                    std::int64_t length) {
  const auto first = std::upper_bound(sorted.begin(), sorted.end(), now - length);
  const auto in_window = static_cast<std::int64_t>(sorted.end() - first);
  if (in_window < limit) return now;
  return *(first + (in_window - limit)) + length;
}

}  // namespace

QuotaVerdict CheckQuota(std::vector<std::int64_t> starts, std::int64_t now,
                        const SafetyLimits& limits) {
  std::sort(starts.begin(), starts.end());
  QuotaVerdict verdict;
  if (limits.user_per_day > 0) {
    const std::int64_t at = FreeAt(starts, now, limits.user_per_day, kDaySeconds);
    if (at > now) verdict = {QuotaVerdict::Kind::kOverDaily, at};
  }
  if (limits.user_per_hour > 0) {
    const std::int64_t at = FreeAt(starts, now, limits.user_per_hour, kHourSeconds);
    if (at > now && at > verdict.retry_at) verdict = {QuotaVerdict::Kind::kOverHourly, at};
  }
  return verdict;
}

}  // namespace storybot
