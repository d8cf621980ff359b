#pragma once
// What an accepted POST /webhooks/{integration} becomes: the inbox's message and its delivery
// key. Pure; thread-safe.
#include <string>
#include <string_view>

#include "channels/webhook/inbound.h"
#include "core/chat.h"

namespace storybot::webhook {

// Per integration: two integrations may well use the same webhook-id.
std::string DeliveryKey(const std::string& integration, std::string_view webhook_id);

// The engine reads user_name, language, text, prompt_id and variables; reply_context
// (channels/webhook/reply_context.h) keeps what the sender and the job-status endpoint need.
InboundMessage BuildInboundMessage(const InboundRequest& body, const std::string& integration,
                                   std::string_view webhook_id, const std::string& trace_id);

}  // namespace storybot::webhook
