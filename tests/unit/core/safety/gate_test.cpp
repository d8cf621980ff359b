// The safety decision table: flood first for every message; quota and moderation only for
// messages that write a story; the first refusal found wins.
#include "core/safety/gate.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

const QuotaVerdict kUnder{};
const QuotaVerdict kHour{QuotaVerdict::Kind::kOverHourly, 10};
const QuotaVerdict kDay{QuotaVerdict::Kind::kOverDaily, 10};
const ModerationVerdict kAllow{};
const ModerationVerdict kBlock{ModerationVerdict::Kind::kBlock, "violence", "en-1"};
const ModerationVerdict kDown{ModerationVerdict::Kind::kUnavailable, "", "timed out"};

struct Row {
  FloodVerdict flood;
  bool writes_story;
  std::optional<QuotaVerdict> quota;
  std::optional<ModerationVerdict> moderation;
  GateOutcome expected;
};

TEST(GateTest, DecisionTable) {
  const std::vector<Row> rows = {
      {FloodVerdict::kAnswer, false, std::nullopt, std::nullopt, GateOutcome::kProceed},
      {FloodVerdict::kNotice, false, std::nullopt, std::nullopt, GateOutcome::kFloodNotice},
      {FloodVerdict::kSilent, false, std::nullopt, std::nullopt, GateOutcome::kSilent},
      {FloodVerdict::kNotice, true, kHour, kBlock, GateOutcome::kFloodNotice},
      {FloodVerdict::kSilent, true, kUnder, kAllow, GateOutcome::kSilent},
      // Commands that write no story are never limited by quota or moderation.
      {FloodVerdict::kAnswer, false, kHour, kBlock, GateOutcome::kProceed},
      {FloodVerdict::kAnswer, true, kUnder, kAllow, GateOutcome::kProceed},
      {FloodVerdict::kAnswer, true, kHour, std::nullopt, GateOutcome::kOverHourly},
      {FloodVerdict::kAnswer, true, kDay, std::nullopt, GateOutcome::kOverDaily},
      {FloodVerdict::kAnswer, true, kHour, kBlock, GateOutcome::kOverHourly},
      {FloodVerdict::kAnswer, true, kUnder, kBlock, GateOutcome::kBlocked},
      {FloodVerdict::kAnswer, true, std::nullopt, kBlock, GateOutcome::kBlocked},
      // A failed moderation service leaves the local lists' verdict (they passed it).
      {FloodVerdict::kAnswer, true, kUnder, kDown, GateOutcome::kProceed},
      // A quota the store could not read does not refuse the reader.
      {FloodVerdict::kAnswer, true, std::nullopt, kAllow, GateOutcome::kProceed},
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    EXPECT_EQ(DecideGate({r.flood, r.writes_story, r.quota, r.moderation}), r.expected)
        << "row " << i;
  }
}

}  // namespace
}  // namespace storybot
