#pragma once
// The answer fields a story reply carries, in the sync 200 body and in a callback's data
// (docs/webhooks.md): story, engine, prompt_id, conversation_id. Pure; thread-safe.
#include <boost/json/object.hpp>
#include <string>

#include "core/integrations.h"

namespace storybot::webhook {

// `engine` is the one that wrote the story (offline after an LLM fallback); when that is not
// known (a reply saved before a restart, a replay answered from the store), `configured_engine`.
// Ids that are 0 (no conversation yet, the built-in prompt) are null.
boost::json::object StoryAnswer(const std::string& story, const std::string& engine,
                                const std::string& configured_engine,
                                const ConversationRef& conversation);

}  // namespace storybot::webhook
