#include "channels/webhook/inbound_message.h"

#include "channels/webhook/channel_id.h"
#include "channels/webhook/reply_context.h"

namespace storybot::webhook {

std::string DeliveryKey(const std::string& integration, std::string_view webhook_id) {
  return integration + ":" + std::string(webhook_id);
}

InboundMessage BuildInboundMessage(const InboundRequest& body, const std::string& integration,
                                   std::string_view webhook_id, const std::string& trace_id) {
  ReplyContext context;
  context.integration = integration;
  context.webhook_id = std::string(webhook_id);
  context.user_id = body.user_id;
  context.callback_url = body.callback_url;
  context.prompt_id = body.prompt_id;
  context.variables = body.variables;

  InboundMessage message;
  message.channel = kChannelId.str();
  message.chat_id = integration + ":" + body.user_id;
  message.user_id = body.user_id;
  message.user_name = body.user_name;
  message.language = body.language;  // an explicit choice: it wins over the text
  message.text = body.text;
  message.reply_context = SerializeReplyContext(context);
  message.trace_id = trace_id;
  if (body.prompt_id) message.prompt_id = *body.prompt_id;
  for (const auto& [name, value] : body.variables) message.variables[name] = value;
  return message;
}

}  // namespace storybot::webhook
