// The Telegram channel: POST /telegram/webhook (webhook mode) or a getUpdates loop (polling
// mode), and replies through the Bot API.
#include "channels/telegram/channel.h"

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "channels/channel_module.h"
#include "channels/telegram/bot_api.h"
#include "channels/telegram/channel_id.h"
#include "channels/telegram/poller.h"
#include "channels/telegram/settings.h"
#include "channels/telegram/telegram_sender.h"
#include "channels/telegram/update.h"
#include "core/secrets.h"

namespace storybot::telegram {
namespace {

using channels::ChannelContext;
using channels::ChannelModule;
using http::Auth;
using http::ExchangePtr;
using http::JsonResponse;
using http::ReplyError;
using http::Router;

using telegram::ApiResult;

telegram::SenderOptions SenderOptionsFor(const Settings& settings) {
  telegram::SenderOptions options;
  options.markdown_v2 = settings.parse_mode == "MarkdownV2";
  return options;
}

class TelegramChannel final : public ChannelModule {
 public:
  explicit TelegramChannel(const ChannelContext& context)
      : context_(context),
        settings_(ReadSettings(context.config.values)),
        api_(settings_.api_url, settings_.bot_token),
        sender_(api_, context.logger, SenderOptionsFor(settings_)) {}

  ~TelegramChannel() override { Stop(); }

  ChannelId id() const override { return kChannelId; }
  ReplySender& sender() override { return sender_; }

  void AddRoutes(Router& router) override {
    if (settings_.mode != "webhook") return;
    router.Add("POST", "/telegram/webhook", Auth::kNone,
               [this](const ExchangePtr& ex) { OnWebhook(ex); });
  }

  Status Start() override {
    // Set-up calls go to the network: keep them off the start-up path.
    setup_ = std::thread([this] { SetUp(); });
    return {};
  }

  void Stop() override {
    stopping_ = true;
    if (setup_.joinable()) setup_.join();
    if (poller_) poller_->Stop();
    sender_.Stop();
  }

  std::string Problem() const override {
    std::lock_guard lock(mutex_);
    if (!setup_problem_.empty()) return setup_problem_;
    return poller_ready_ ? poller_->problem() : std::string();
  }

 private:
  void OnWebhook(const ExchangePtr& ex) {
    if (!ConstantTimeEquals(ex->request().Header("X-Telegram-Bot-Api-Secret-Token"),
                            settings_.webhook_secret)) {
      return ReplyError(ex, 401, "unauthenticated",
                        "missing or wrong X-Telegram-Bot-Api-Secret-Token");
    }
    Result<telegram::ParsedUpdate> update = telegram::ParseUpdate(ex->request().body, Username());
    if (!update.ok()) return ReplyError(ex, update.error());
    if (!update.value().handled) return ex->Reply(JsonResponse(200, R"({"ok":true})"));
    InboundMessage message = std::move(update.value().message);
    message.trace_id = ex->trace_id;
    context_.inbox.Accept(std::to_string(update.value().update_id), std::move(message),
                          [ex](Result<EnqueueResult> stored) {
                            if (!stored.ok()) return ReplyError(ex, stored.error());
                            ex->Reply(JsonResponse(200, R"({"ok":true})"));
                          });
  }

  // Waits until every update of the batch is committed (or found to be a duplicate).
  bool DeliverBatch(const std::vector<telegram::ParsedUpdate>& batch) {
    std::vector<std::future<bool>> committed;
    for (const telegram::ParsedUpdate& update : batch) {
      auto promise = std::make_shared<std::promise<bool>>();
      committed.push_back(promise->get_future());
      InboundMessage message = update.message;
      message.trace_id = NewTraceIdForPoll();
      context_.inbox.Accept(std::to_string(update.update_id), std::move(message),
                            [promise](Result<EnqueueResult> r) { promise->set_value(r.ok()); });
    }
    bool all = true;
    for (auto& f : committed) all = f.get() && all;
    return all;
  }

  static std::string NewTraceIdForPoll() { return RandomHex(16); }

  void SetUp() {
    const ApiResult me = api_.Call("getMe", {}, 10000);
    if (me.kind == ApiResult::Kind::kOk && me.result.is_object()) {
      const auto* username = me.result.as_object().if_contains("username");
      if (username != nullptr && username->is_string()) {
        std::lock_guard lock(mutex_);
        username_ = std::string(username->as_string());
      }
    } else {
      if (me.kind == ApiResult::Kind::kClientError && (me.status == 401 || me.status == 404)) {
        std::lock_guard lock(mutex_);
        setup_problem_ = "the bot token was refused by getMe (HTTP " + std::to_string(me.status) +
                         "); check STORYBOT_TELEGRAM_BOT_TOKEN";
      }
      context_.logger.Log(LogLevel::kWarn, "Telegram getMe failed",
                          {{"error.message", std::string_view(me.description)},
                           {"http.response.status_code", static_cast<std::int64_t>(me.status)}});
    }
    if (stopping_) return;
    SetCommands();
    if (stopping_) return;
    if (settings_.mode == "webhook" && !settings_.webhook_url.empty()) {
      const ApiResult r = api_.Call("setWebhook",
                                    {{"url", settings_.webhook_url},
                                     {"secret_token", settings_.webhook_secret},
                                     {"allowed_updates", boost::json::array{"message"}}},
                                    10000);
      LogResult("setWebhook", r);
      if (r.kind == ApiResult::Kind::kClientError) {
        std::lock_guard lock(mutex_);
        setup_problem_ =
            "setWebhook was refused (HTTP " + std::to_string(r.status) + "): " + r.description;
      }
    }
    if (settings_.mode == "polling" && !stopping_) {
      telegram::PollerOptions options;
      options.bot_username = Username();
      poller_ = std::make_unique<telegram::Poller>(
          api_, context_.logger,
          [this](const std::vector<telegram::ParsedUpdate>& batch) { return DeliverBatch(batch); },
          options);
      poller_->Start();
      std::lock_guard lock(mutex_);
      poller_ready_ = true;
    }
  }

  void SetCommands() {
    auto command = [](const char* name, const char* description) {
      return boost::json::object{{"command", name}, {"description", description}};
    };
    const ApiResult en = api_.Call(
        "setMyCommands",
        {{"commands", boost::json::array{command("story", "A new story: /story [theme or wish]"),
                                         command("continue", "The next chapter"),
                                         command("themes", "Story themes I know"),
                                         command("reset", "Forget our story"),
                                         command("help", "What I understand")}}},
        10000);
    LogResult("setMyCommands", en);
    const ApiResult zh = api_.Call(
        "setMyCommands",
        {{"language_code", "zh"},
         {"commands",
          boost::json::array{command("story", "讲一个新故事：/story [主题或愿望]"),
                             command("continue", "讲下一章"), command("themes", "我会讲的故事主题"),
                             command("reset", "忘掉当前的故事"), command("help", "查看所有命令")}}},
        10000);
    LogResult("setMyCommands (zh)", zh);
  }

  void LogResult(std::string_view what, const ApiResult& r) {
    if (r.kind == ApiResult::Kind::kOk) {
      context_.logger.Log(LogLevel::kInfo, std::string("Telegram ") + std::string(what) + " done");
      return;
    }
    context_.logger.Log(LogLevel::kWarn, std::string("Telegram ") + std::string(what) + " failed",
                        {{"error.message", std::string_view(r.description)},
                         {"http.response.status_code", static_cast<std::int64_t>(r.status)}});
  }

  std::string Username() {
    std::lock_guard lock(mutex_);
    return username_;
  }

  ChannelContext context_;
  const Settings settings_;
  telegram::BotApi api_;
  telegram::TelegramSender sender_;
  std::unique_ptr<telegram::Poller> poller_;
  std::thread setup_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::string username_;
  std::string setup_problem_;  // set when a set-up call shows the channel cannot work
  bool poller_ready_ = false;  // poller_ is built and started (it is written once, by SetUp)
};

}  // namespace

std::unique_ptr<ChannelModule> MakeChannel(const ChannelContext& context) {
  if (ReadSettings(context.config.values).bot_token.empty()) return nullptr;
  return std::make_unique<TelegramChannel>(context);
}

}  // namespace storybot::telegram
