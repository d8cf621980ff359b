#pragma once
// A chat channel as the application sees it: routes for inbound deliveries, a sender for
// replies, and start/stop for background work (long polling, auth checks, webhook set-up).
// Everything of one channel lives in its folder, channels/<name>/, which exports one factory
// (channels/<name>/channel.h) and its settings table (channels/<name>/settings.h);
// app/channels.cpp lists them, one line per channel.
#include <memory>
#include <string>
#include <string_view>

#include "core/channel_id.h"
#include "core/chat.h"
#include "core/config.h"
#include "core/integrations.h"
#include "core/jobs/chat_store.h"
#include "core/jobs/inbox.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/prompt_service.h"
#include "core/work_pool.h"
#include "http/router.h"

namespace storybot::channels {

// What a channel may use; everything outlives the channel.
struct ChannelContext {
  const Config& config;  // a channel reads its own settings from config.values (its settings.h)
  Inbox& inbox;
  ChatStore& chats;
  IntegrationStore& integrations;  // the webhook channel's integrations and callback outbox
  Metrics& metrics;
  Logger& logger;
  WorkPool& pool;                    // short blocking work (database reads)
  PromptService* prompts = nullptr;  // to validate a prompt an integration names
};

class ChannelModule {
 public:
  virtual ~ChannelModule() = default;
  virtual ChannelId id() const = 0;  // channels/<name>/channel_id.h
  virtual ReplySender& sender() = 0;
  virtual void AddRoutes(http::Router& router) = 0;
  // After the job runner has started; failures here are logged, not fatal, unless the channel
  // cannot work at all.
  virtual Status Start() { return {}; }
  // Before the job runner stops: stop background loops and outbound calls promptly.
  virtual void Stop() {}
  // Why the channel cannot work right now (a refused token, a polling conflict), for /readyz;
  // empty while it can. Quick and thread-safe.
  virtual std::string Problem() const { return {}; }
};

// A channel storybot can run: its id (known even when it is off: its stored conversations stay
// listed, its metrics exported), its section of the settings table (channels/<name>/settings.h:
// loaded, listed by --help, masked when secret, with the rest) and its factory, which reads its
// settings from `context.config.values` and returns nullptr when they switch the channel off
// (Telegram without a bot token, Slack without a signing secret; the webhook channel is always
// on: integrations are created at run time).
struct ChannelRegistration {
  ChannelId id;
  const SettingsTable& (*settings)();
  std::unique_ptr<ChannelModule> (*make)(const ChannelContext& context);
};

}  // namespace storybot::channels
