#include "channels/webhook/inbound_route.h"

#include "channels/webhook/inbound.h"
#include "channels/webhook/inbound_message.h"
#include "channels/webhook/request_auth.h"
#include "channels/webhook/submission_checks.h"
#include "http/json_body.h"

namespace storybot::webhook {

void InboundRoute::Handle(const http::ExchangePtr& ex) {
  const http::Request& rq = ex->request();
  std::optional<Integration> integration =
      AuthenticateRequest(ex, rq.body, parts_.registry, parts_.logger, parts_.clock);
  if (!integration) return;
  if (!http::IsJsonContentType(rq.Header("Content-Type"))) {
    return http::ReplyError(ex, 415, "unsupported_media_type",
                            "send the body as Content-Type: application/json");
  }
  auto parsed = ParseInboundRequest(rq.body);
  if (!parsed.ok()) return http::ReplyError(ex, parsed.error());
  const InboundRequest& body = parsed.value();
  if (body.prompt_id) {
    Status known = CheckPromptUsable(parts_.prompts, *body.prompt_id);
    if (!known.ok()) return http::ReplyError(ex, known.error());
  }
  if (!body.callback_url.empty()) {
    Status allowed = CheckCallbackAtSubmission(body.callback_url, *integration);
    if (!allowed.ok()) return http::ReplyError(ex, allowed.error());
  }

  const std::string_view webhook_id = rq.Header("webhook-id");
  InboundMessage message = BuildInboundMessage(body, integration->name, webhook_id, ex->trace_id);
  const std::string key = DeliveryKey(integration->name, webhook_id);
  const bool sync = body.callback_url.empty() && parts_.sync_answers;
  const std::string name = integration->name;
  if (sync) parts_.waiting.Enter(key, ex, name);
  parts_.inbox.Accept(key, std::move(message),
                      [this, ex, key, name, sync](Result<EnqueueResult> r) {
                        if (!r.ok()) {
                          if (sync) parts_.waiting.Leave(key, ex);
                          return http::ReplyError(ex, r.error());
                        }
                        const std::int64_t job_id = r.value().job_id;
                        if (!sync) return ex->Reply(AcceptedResponse(name, job_id));
                        parts_.waiting.Enqueued(key, ex, job_id);
                        // A replay of a job that is already answered gets the stored story at
                        // once.
                        if (r.value().duplicate) {
                          parts_.pool.Post([this, key] { parts_.sender.AnswerFromStore(key); });
                        }
                      });
}

}  // namespace storybot::webhook
