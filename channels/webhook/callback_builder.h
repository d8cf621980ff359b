#pragma once
// The outbox row of a story callback (docs/webhooks.md, "Callbacks"): its signed body
// {"type":"story.completed","timestamp","data":{job_id, webhook_id, user_id, story…}} and where
// it goes. channels/webhook/callback_dispatcher.h stores and sends it. Pure; thread-safe.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "channels/webhook/reply_context.h"
#include "core/integrations.h"

namespace storybot::webhook {

// `answer` is the story's fields (channels/webhook/story_answer.h); `message_id` the callback's
// webhook-id (the same on every attempt); `timestamp` RFC 3339.
CallbackRecord BuildCallback(const std::string& delivery_key, const ReplyContext& context,
                             std::int64_t job_id, const boost::json::object& answer,
                             std::string message_id, const std::string& timestamp);

// "msg_" and 32 random hex digits.
std::string NewCallbackMessageId();

}  // namespace storybot::webhook
