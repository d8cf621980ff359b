#pragma once
// The webhook channel's ReplySender: a written story goes to the requests waiting for it (a sync
// answer, channels/webhook/waiting_room.h) or, when the request named a callback_url, into the
// callback outbox (channels/webhook/callback_dispatcher.h), which owns its delivery from then on.
// Thread-safe.
#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "channels/webhook/callback_dispatcher.h"
#include "channels/webhook/waiting_room.h"
#include "core/chat.h"
#include "core/integrations.h"
#include "core/work_pool.h"

namespace storybot::webhook {

class WebhookReplySender final : public ReplySender {
 public:
  // `configured_engine` ("offline", "openai") names the engine when a reply does not. All
  // references must outlive the sender.
  WebhookReplySender(IntegrationStore& store, WaitingRoom& waiting, CallbackDispatcher& dispatcher,
                     WorkPool& pool, std::string configured_engine);

  // On `pool` (it reads the store).
  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override;

  // Blocking: what Send runs on the pool. kSent once the waiters are answered or the callback is
  // committed to the outbox; kRetry when the store cannot be read or the outbox written (the job
  // runner retries).
  void SendNow(const OutboundReply& reply, std::function<void(SendResult)> done);

  // Blocking: a replayed sync request whose job already has its story is answered from the
  // store. Nothing yet: the sender (or the timeout) answers later.
  void AnswerFromStore(const std::string& delivery_key);

 private:
  boost::json::object Answer(const std::string& story, const std::string& chat_id,
                             const std::string& engine);

  IntegrationStore& store_;
  WaitingRoom& waiting_;
  CallbackDispatcher& dispatcher_;
  WorkPool& pool_;
  const std::string configured_engine_;
};

}  // namespace storybot::webhook
