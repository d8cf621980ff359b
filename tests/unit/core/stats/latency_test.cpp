// Percentiles from the fixed latency buckets: the bucket a call lands in, linear interpolation
// inside a bucket, the open top bucket, and no data.
#include "core/stats/latency.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

LatencyCounts Empty() {
  LatencyCounts counts;
  counts.fill(0);
  return counts;
}

TEST(LatencyBucket, BoundsAreInclusiveLikePrometheusLe) {
  EXPECT_EQ(LatencyBucket(0), 0u);
  EXPECT_EQ(LatencyBucket(100), 0u);
  EXPECT_EQ(LatencyBucket(100.5), 1u);
  EXPECT_EQ(LatencyBucket(1000), 3u);
  EXPECT_EQ(LatencyBucket(64000), 9u);
  EXPECT_EQ(LatencyBucket(64001), 10u);
  EXPECT_EQ(LatencyBucketLabel(0), "100");
  EXPECT_EQ(LatencyBucketLabel(10), "inf");
  EXPECT_EQ(LatencyBucketOf("inf"), 10u);
  EXPECT_EQ(LatencyBucketOf("250"), 1u);
  EXPECT_EQ(LatencyBucketOf("251"), std::nullopt);
}

TEST(PercentileFromBuckets, NoCallsIsNoValueNotZero) {
  EXPECT_EQ(PercentileFromBuckets(Empty(), 0.5), std::nullopt);
}

TEST(PercentileFromBuckets, InterpolatesInsideTheBucket) {
  LatencyCounts counts = Empty();
  counts[3] = 10;  // 500..1000 ms
  EXPECT_DOUBLE_EQ(*PercentileFromBuckets(counts, 0.5), 750.0);
  EXPECT_DOUBLE_EQ(*PercentileFromBuckets(counts, 1.0), 1000.0);
}

TEST(PercentileFromBuckets, P50AndP95LandInDifferentBuckets) {
  LatencyCounts counts = Empty();
  counts[1] = 90;  // 100..250 ms
  counts[5] = 10;  // 2000..4000 ms
  // rank 50 of 90 in 100..250
  EXPECT_NEAR(*PercentileFromBuckets(counts, 0.5), 100.0 + 150.0 * 50.0 / 90.0, 1e-9);
  // rank 95: 5 of 10 into 2000..4000
  EXPECT_DOUBLE_EQ(*PercentileFromBuckets(counts, 0.95), 3000.0);
}

TEST(PercentileFromBuckets, TheFirstBucketStartsAtZero) {
  LatencyCounts counts = Empty();
  counts[0] = 4;
  EXPECT_DOUBLE_EQ(*PercentileFromBuckets(counts, 0.5), 50.0);
}

TEST(PercentileFromBuckets, TheOpenTopBucketAnswersTheHighestBound) {
  LatencyCounts counts = Empty();
  counts[10] = 3;
  EXPECT_DOUBLE_EQ(*PercentileFromBuckets(counts, 0.95), 64000.0);
}

}  // namespace
}  // namespace storybot
