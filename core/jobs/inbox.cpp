#include "core/jobs/inbox.h"

namespace storybot {

void Inbox::Accept(const std::string& dedupe_key, InboundMessage message,
                    std::function<void(Result<EnqueueResult>)> done) {
  auto shared = std::make_shared<InboundMessage>(std::move(message));
  store_.Enqueue(
      dedupe_key, *shared,
      [this, shared, dedupe_key, done = std::move(done)](Result<EnqueueResult> r) {
        if (!r.ok()) metrics_.CountStorageError("enqueue");  // the channel answers 503
        if (r.ok() && !r.value().duplicate) {
          metrics_.CountMessageReceived(shared->channel);
          logger_.Log(LogLevel::kInfo, "message received",
                      {{"event.action", std::string_view("message_received")},
                       {"storybot.channel", std::string_view(shared->channel)},
                       {"storybot.job_id", r.value().job_id}},
                      shared->trace_id);
          runner_.Submit({r.value().job_id, dedupe_key, std::move(*shared), 0, std::nullopt});
        }
        done(std::move(r));
      });
}

}  // namespace storybot
