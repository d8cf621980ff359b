#include "channels/webhook/request_auth.h"

#include "channels/webhook/signature.h"

namespace storybot::webhook {

std::optional<Integration> AuthenticateRequest(const http::ExchangePtr& ex, std::string_view body,
                                               const IntegrationRegistry& registry, Logger& logger,
                                               const Clock& clock) {
  const std::string& name = ex->params.at("integration");
  std::optional<Integration> integration = registry.Find(name);
  if (!integration) {
    http::ReplyError(ex, 404, "not_found", "integration " + name + " does not exist");
    return std::nullopt;
  }
  const http::Request& rq = ex->request();
  const std::int64_t now = clock.UnixSeconds();
  Status verified = Verify(
      IntegrationRegistry::Keys(*integration, now),
      {rq.Header("webhook-id"), rq.Header("webhook-timestamp"), rq.Header("webhook-signature")},
      body, now);
  if (!verified.ok()) {
    logger.Log(LogLevel::kWarn, "webhook signature refused",
               {{"storybot.integration", std::string_view(name)},
                {"error.message", std::string_view(verified.error().message)}},
               ex->trace_id);
    http::ReplyError(ex, verified.error());
    return std::nullopt;
  }
  return integration;
}

}  // namespace storybot::webhook
