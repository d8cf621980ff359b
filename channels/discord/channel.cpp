// The Discord channel: POST /discord/interactions, signed by Discord with the application's
// Ed25519 key; replies through the interaction's webhook (channels/discord/).
//
// Every request is verified over its raw body before anything is parsed or stored. A slash
// command is answered with a deferred response (type 5, "storybot is thinking…") only after the
// inbox has committed it, well within the 3 s Discord allows; the job then edits that response
// with the story. A replayed interaction (same id) is answered again and makes no second job.
#include "channels/discord/channel.h"

#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "channels/channel_module.h"
#include "channels/discord/channel_id.h"
#include "channels/discord/commands.h"
#include "channels/discord/interaction.h"
#include "channels/discord/rest_api.h"
#include "channels/discord/sender.h"
#include "channels/discord/settings.h"
#include "channels/discord/signature.h"

namespace storybot::discord {
namespace {

using channels::ChannelContext;
using channels::ChannelModule;
using http::Auth;
using http::ExchangePtr;
using http::JsonResponse;
using http::ReplyError;
using http::Request;
using http::Router;

// "Application/JSON; charset=utf-8" → "application/json".
std::string MediaType(std::string_view header) {
  std::string type(header.substr(0, header.find(';')));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

constexpr int kRegisterAttempts = 3;
constexpr std::chrono::seconds kMaxRegisterWait{30};

class DiscordChannel : public ChannelModule {
 public:
  explicit DiscordChannel(const ChannelContext& context)
      : context_(context),
        settings_(ReadSettings(context.config.values)),
        verifier_(settings_.public_key),
        api_(settings_.api_url),
        sender_(api_, context.logger) {}
  ~DiscordChannel() override { Stop(); }

  ChannelId id() const override { return kChannelId; }
  ReplySender& sender() override { return sender_; }

  void AddRoutes(Router& router) override {
    router.Add("POST", "/discord/interactions", Auth::kNone,
               [this](const ExchangePtr& ex) { HandleInteraction(ex); });
  }

  // The commands are registered in the background so a slow or unreachable Discord never delays
  // the start; interactions are answered meanwhile (commands registered before still work).
  Status Start() override {
    if (settings_.application_id.empty() || settings_.bot_token.empty()) {
      context_.logger.Log(LogLevel::kWarn,
                          "discord: STORYBOT_DISCORD_APPLICATION_ID or STORYBOT_DISCORD_BOT_TOKEN "
                          "is empty; the slash commands are not registered");
      return {};
    }
    register_thread_ = std::thread([this] { RegisterCommands(); });
    return {};
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (register_thread_.joinable()) register_thread_.join();
    sender_.Stop();
  }

 private:
  // PUT the command list (a bulk overwrite), retrying 429 and 5xx a few times.
  void RegisterCommands() {
    for (int attempt = 1; attempt <= kRegisterAttempts; ++attempt) {
      const ApiOutcome outcome =
          api_.RegisterCommands(settings_.application_id, settings_.bot_token, CommandsJson());
      if (outcome.outcome == SendOutcome::kSent) {
        context_.logger.Log(LogLevel::kInfo, "discord: slash commands registered",
                            {{"event.action", std::string_view("register_commands")}});
        return;
      }
      context_.logger.Log(
          outcome.outcome == SendOutcome::kPermanent ? LogLevel::kError : LogLevel::kWarn,
          "discord: cannot register the slash commands",
          {{"error.message", std::string_view(outcome.error)},
           {"http.response.status_code", static_cast<std::int64_t>(outcome.status)},
           {"labels.attempt", static_cast<std::int64_t>(attempt)}});
      if (outcome.outcome == SendOutcome::kPermanent) return;  // 401: a wrong bot token
      const auto wait = outcome.status == 429 ? std::min<std::chrono::milliseconds>(
                                                    outcome.retry_after, kMaxRegisterWait)
                                              : std::chrono::milliseconds(1000 * attempt);
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
    }
  }

  void HandleInteraction(const ExchangePtr& ex) {
    const Request& request = ex->request();
    Status verified = verifier_.Verify(request.Header("X-Signature-Timestamp"),
                                       request.Header("X-Signature-Ed25519"), request.body);
    if (!verified.ok()) {
      context_.logger.Log(LogLevel::kWarn, "discord: request refused",
                          {{"error.message", std::string_view(verified.error().message)}},
                          ex->trace_id);
      return ReplyError(ex, 401, "unauthenticated", verified.error().message);
    }
    if (MediaType(request.Header("Content-Type")) != "application/json") {
      return ReplyError(ex, 415, "unsupported_media_type", "Content-Type must be application/json");
    }
    auto parsed = ParseInteraction(request.body);
    if (!parsed.ok()) return ReplyError(ex, parsed.error());
    const Interaction& interaction = parsed.value();
    switch (interaction.type) {
      case InteractionType::kPing:
        return ex->Reply(JsonResponse(200, R"({"type":1})"));
      case InteractionType::kOther:
        return ReplyError(ex, 400, "invalid_argument",
                          "type: interaction type " + std::to_string(interaction.raw_type) +
                              " is not supported (only PING and APPLICATION_COMMAND)");
      case InteractionType::kApplicationCommand:
        break;
    }
    const auto received_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 Clock::Real().WallNow().time_since_epoch())
                                 .count();
    context_.inbox.Accept(
        DedupeKey(interaction), MessageFromCommand(interaction, received_ms, ex->trace_id),
        [this, ex](Result<EnqueueResult> stored) {
          if (!stored.ok()) return ReplyError(ex, stored.error());  // 503: Discord shows a failure
          if (stored.value().duplicate) {
            context_.logger.Log(LogLevel::kDebug, "discord: interaction already stored",
                                {{"event.action", std::string_view("duplicate")}}, ex->trace_id);
          }
          ex->Reply(JsonResponse(200, R"({"type":5})"));  // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
        });
  }

  const ChannelContext context_;
  const Settings settings_;
  SignatureVerifier verifier_;
  DiscordApi api_;
  DiscordSender sender_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread register_thread_;
};

}  // namespace

std::unique_ptr<ChannelModule> MakeChannel(const ChannelContext& context) {
  if (ReadSettings(context.config.values).public_key.empty()) return nullptr;
  return std::make_unique<DiscordChannel>(context);
}

}  // namespace storybot::discord
