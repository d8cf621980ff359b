#pragma once
// The safety decision table for one inbound message, as a pure function of what was found out
// about it (README "Safety and limits"). Order: flood control (every message), then, for
// messages that would write a story (new stories and chapters), the user's quota, then the
// request's moderation. Commands that write no story (/help, /themes, /reset, /start) are never
// limited by quota or moderation.
#include <optional>

#include "core/safety/flood_gate.h"
#include "core/safety/moderator.h"
#include "core/safety/quota.h"

namespace storybot {

struct GateFacts {
  FloodVerdict flood = FloodVerdict::kAnswer;
  bool writes_story = false;
  std::optional<QuotaVerdict> quota;            // checked only when it matters
  std::optional<ModerationVerdict> moderation;  // of the request; checked last
};

enum class GateOutcome {
  kProceed,
  kFloodNotice,  // answer with the flood notice
  kSilent,       // answer nothing
  kOverHourly,
  kOverDaily,
  kBlocked,  // a gentle refusal; no LLM call
};

GateOutcome DecideGate(const GateFacts& facts);

}  // namespace storybot
