#pragma once
// POST /webhooks/{integration} (docs/webhooks.md): a signed request becomes a delivery in the
// inbox. Without a callback_url (and with a sync timeout) the request waits for its story in the
// waiting room; otherwise it is answered 202 + job id at once. Thread-safe.
#include "channels/webhook/integration_registry.h"
#include "channels/webhook/reply_sender.h"
#include "channels/webhook/waiting_room.h"
#include "core/clock.h"
#include "core/jobs/inbox.h"
#include "core/logging.h"
#include "core/prompt_service.h"
#include "core/work_pool.h"
#include "http/exchange.h"

namespace storybot::webhook {

struct InboundRouteParts {
  const IntegrationRegistry& registry;
  Inbox& inbox;
  WaitingRoom& waiting;
  WebhookReplySender& sender;  // answers a replay whose story is already stored
  WorkPool& pool;              // store reads
  Logger& logger;
  const Clock& clock;
  PromptService* prompts = nullptr;  // validates a prompt_id when set
  bool sync_answers = true;          // false when the sync timeout is 0
};

class InboundRoute {
 public:
  explicit InboundRoute(InboundRouteParts parts) : parts_(parts) {}
  void Handle(const http::ExchangePtr& ex);

 private:
  InboundRouteParts parts_;
};

}  // namespace storybot::webhook
