#pragma once
// Checks of an inbound request beyond its body's own shape (channels/webhook/inbound.h): the
// content type, the callback target and the prompt it names. Thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/integrations.h"
#include "core/prompt_service.h"
#include "core/result.h"

namespace storybot::webhook {

// A callback target the integration may not use is refused at submission (kInvalidArgument,
// 400) when that is decidable without DNS: IP literals and localhost. Names are checked again,
// resolved, at send (channels/webhook/callback_dispatcher.cpp).
Status CheckCallbackAtSubmission(const std::string& url, const Integration& integration);

// The prompt an integration names must exist and be enabled: a silent fallback to the built-in
// prompt would hide a typo (docs/webhooks.md promises "validated"). No check without `prompts`.
Status CheckPromptUsable(PromptService* prompts, std::int64_t id);

}  // namespace storybot::webhook
