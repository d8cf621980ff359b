#include "channels/webhook/callback_builder.h"

#include <boost/json.hpp>

#include "core/secrets.h"

namespace storybot::webhook {

CallbackRecord BuildCallback(const std::string& delivery_key, const ReplyContext& context,
                             std::int64_t job_id, const boost::json::object& answer,
                             std::string message_id, const std::string& timestamp) {
  boost::json::object data{
      {"job_id", job_id}, {"webhook_id", context.webhook_id}, {"user_id", context.user_id}};
  for (const auto& [k, v] : answer) data[k] = v;
  CallbackRecord record;
  record.delivery_key = delivery_key;
  record.integration = context.integration;
  record.url = context.callback_url;
  record.message_id = std::move(message_id);
  record.payload = boost::json::serialize(boost::json::object{
      {"type", "story.completed"}, {"timestamp", timestamp}, {"data", std::move(data)}});
  return record;
}

std::string NewCallbackMessageId() { return "msg_" + RandomHex(16); }

}  // namespace storybot::webhook
