#include "core/safety/gate.h"

namespace storybot {

GateOutcome DecideGate(const GateFacts& facts) {
  if (facts.flood == FloodVerdict::kNotice) return GateOutcome::kFloodNotice;
  if (facts.flood == FloodVerdict::kSilent) return GateOutcome::kSilent;
  if (!facts.writes_story) return GateOutcome::kProceed;
  if (facts.quota && facts.quota->kind == QuotaVerdict::Kind::kOverHourly) {
    return GateOutcome::kOverHourly;
  }
  if (facts.quota && facts.quota->kind == QuotaVerdict::Kind::kOverDaily) {
    return GateOutcome::kOverDaily;
  }
  // A moderation service that failed leaves the local lists' verdict: they passed the request.
  if (facts.moderation && facts.moderation->kind == ModerationVerdict::Kind::kBlock) {
    return GateOutcome::kBlocked;
  }
  return GateOutcome::kProceed;
}

}  // namespace storybot
