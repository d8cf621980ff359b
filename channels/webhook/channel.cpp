// The generic webhook channel (issue 6, Standard Webhooks; docs/webhooks.md), wired from its
// parts, one job each in channels/webhook/: signed inbound deliveries at POST
// /webhooks/{integration} (inbound_route.h), answered synchronously from the waiting room
// (waiting_room.h: the story within the sync timeout, else 202 + job id) or by a signed callback
// (reply_sender.h, callback_builder.h, callback_dispatcher.h); signed job status at GET
// /webhooks/{integration}/jobs/{id} (job_status.h); the integrations admin API (admin_api.h).
#include "channels/webhook/channel.h"

#include "channels/channel_module.h"
#include "channels/webhook/admin_api.h"
#include "channels/webhook/callback_dispatcher.h"
#include "channels/webhook/channel_id.h"
#include "channels/webhook/inbound_route.h"
#include "channels/webhook/integration_registry.h"
#include "channels/webhook/job_status.h"
#include "channels/webhook/reply_sender.h"
#include "channels/webhook/request_auth.h"
#include "channels/webhook/settings.h"
#include "channels/webhook/waiting_room.h"
#include "core/clock.h"

namespace storybot::webhook {
namespace {

using channels::ChannelContext;
using channels::ChannelModule;

CallbackOptions CallbackOptionsFrom(const Settings& settings) {
  CallbackOptions options;
  options.retry_window_s = settings.callback_retry_s;
  return options;
}

class WebhookChannel final : public ChannelModule {
 public:
  explicit WebhookChannel(const ChannelContext& context)
      : context_(context),
        settings_(ReadSettings(context.config.values)),
        registry_(context.integrations, clock_),
        dispatcher_(context.integrations, registry_, context.logger, CallbackOptionsFrom(settings_),
                    clock_),
        pool_(2),
        waiting_(clock_, std::chrono::seconds(settings_.sync_timeout_s)),
        sender_(context.integrations, waiting_, dispatcher_, pool_,
                context.config.llm.base_url.empty() ? "offline" : "openai"),
        inbound_({registry_, context.inbox, waiting_, sender_, pool_, context.logger, clock_,
                  context.prompts, settings_.sync_timeout_s > 0}) {}

  ~WebhookChannel() override { Stop(); }

  ChannelId id() const override { return kChannelId; }
  ReplySender& sender() override { return sender_; }

  void AddRoutes(http::Router& router) override {
    AddIntegrationRoutes(router, registry_, context_.pool);
    router.Add("POST", "/webhooks/{integration}", http::Auth::kNone,
               [this](const http::ExchangePtr& ex) { inbound_.Handle(ex); });
    router.Add("GET", "/webhooks/{integration}/jobs/{id}", http::Auth::kNone,
               [this](const http::ExchangePtr& ex) {
                 std::optional<Integration> integration =
                     AuthenticateRequest(ex, "", registry_, context_.logger, clock_);
                 if (integration) ServeJobStatus(ex, *integration, context_.integrations, pool_);
               });
  }

  Status Start() override {
    Status loaded = registry_.Load();
    if (!loaded.ok()) return loaded;
    Status started = dispatcher_.Start();
    if (!started.ok()) return started;
    waiting_.Start();
    return {};
  }

  void Stop() override {
    dispatcher_.Stop();
    pool_.Stop();     // replies being sent still reach their waiters
    waiting_.Stop();  // whoever still waits learns where to poll
  }

 private:
  const ChannelContext context_;
  const Settings settings_;
  Clock& clock_ = Clock::Real();
  IntegrationRegistry registry_;
  CallbackDispatcher dispatcher_;
  WorkPool pool_;  // store reads and writes of replies; never the I/O threads
  WaitingRoom waiting_;
  WebhookReplySender sender_;
  InboundRoute inbound_;
};

}  // namespace

std::unique_ptr<ChannelModule> MakeChannel(const ChannelContext& context) {
  return std::make_unique<WebhookChannel>(context);
}

}  // namespace storybot::webhook
