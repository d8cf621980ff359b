// The Slack channel: POST /slack/events (Events API) and POST /slack/commands (slash
// commands), both signed by Slack; replies through the Web API (channels/slack/).
//
// Every request is verified over its raw body before anything is parsed or stored. A delivery
// is answered 200 only after the inbox has committed it, which the group commit does well
// within the 3 s Slack allows; a retry of a stored event (same event_id) is answered 200 again
// and makes no second job.
#include "channels/slack/channel.h"

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "channels/channel_module.h"
#include "channels/slack/commands.h"
#include "channels/slack/events.h"
#include "channels/slack/inbound.h"
#include "channels/slack/sender.h"
#include "channels/slack/settings.h"
#include "channels/slack/signature.h"
#include "channels/slack/web_api.h"
#include "core/story/bot_texts.h"

namespace storybot::slack {
namespace {

using channels::ChannelContext;
using channels::ChannelModule;
using http::Auth;
using http::ExchangePtr;
using http::JsonResponse;
using http::ReplyError;
using http::Request;
using http::Response;
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

// Slack's answer to a slash command: a message only the user sees.
Response Ephemeral(const std::string& text) {
  return JsonResponse(200, boost::json::serialize(boost::json::object{
                               {"response_type", "ephemeral"}, {"text", text}}));
}

// /story help in Slack's words: the commands are arguments of /story here, not commands of
// their own as in Telegram.
std::string SlashHelp(Language language) {
  if (language == Language::kChinese) {
    return "在 Slack 里这样用我：\n"
           "/story [主题或愿望] — 讲一个新故事\n"
           "/story continue — 讲下一章\n"
           "/story themes — 我会讲的故事主题\n"
           "/story reset — 忘掉当前的故事\n"
           "/story help — 显示这个列表\n"
           "也可以在频道里 @我，或者直接私信我。";
  }
  return "Here is how to use me in Slack:\n"
         "/story [theme or wish] — a new story\n"
         "/story continue — the next chapter\n"
         "/story themes — the kinds of stories I know\n"
         "/story reset — forget the story and start fresh\n"
         "/story help — this list\n"
         "You can also mention me in a channel (I answer in a thread) or send me a direct message.";
}

class SlackChannel : public ChannelModule {
 public:
  explicit SlackChannel(const ChannelContext& context)
      : context_(context),
        settings_(ReadSettings(context.config.values)),
        verifier_(settings_.signing_secret),
        api_(settings_.api_url, settings_.bot_token),
        sender_(api_, context.logger) {}
  ~SlackChannel() override { Stop(); }

  ChannelId id() const override { return kChannelId; }
  ReplySender& sender() override { return sender_; }

  void AddRoutes(Router& router) override {
    router.Add("POST", "/slack/events", Auth::kNone,
               [this](const ExchangePtr& ex) { HandleEvent(ex); });
    router.Add("POST", "/slack/commands", Auth::kNone,
               [this](const ExchangePtr& ex) { HandleCommand(ex); });
  }

  // auth.test runs in the background so a slow or unreachable Slack never delays the start;
  // until it answers, the events' own `authorizations` still mark the bot's messages.
  Status Start() override {
    if (settings_.bot_token.empty()) {
      context_.logger.Log(LogLevel::kWarn,
                          "slack: STORYBOT_SLACK_BOT_TOKEN is empty; replies will fail");
      return {};
    }
    auth_thread_ = std::thread([this] {
      auto user = api_.AuthTest();
      if (!user.ok()) {
        context_.logger.Log(LogLevel::kWarn, "slack: cannot learn the bot's user id",
                            {{"error.message", std::string_view(user.error().message)}});
        return;
      }
      context_.logger.Log(LogLevel::kInfo, "slack: connected",
                          {{"storybot.slack.user_id", std::string_view(user.value())}});
      std::lock_guard lock(mutex_);
      own_user_id_ = user.value();
    });
    return {};
  }

  void Stop() override {
    if (auth_thread_.joinable()) auth_thread_.join();
    sender_.Stop();
  }

 private:
  std::string OwnUserId() {
    std::lock_guard lock(mutex_);
    return own_user_id_;
  }

  // Replies 401 and returns false unless the request is signed by Slack; then 415 unless the
  // body has the expected media type.
  bool Accept(const ExchangePtr& ex, std::string_view media_type) {
    const Request& request = ex->request();
    Status verified = verifier_.Verify(request.Header("X-Slack-Request-Timestamp"),
                                       request.Header("X-Slack-Signature"), request.body);
    if (!verified.ok()) {
      context_.logger.Log(LogLevel::kWarn, "slack: request refused",
                          {{"error.message", std::string_view(verified.error().message)}},
                          ex->trace_id);
      ReplyError(ex, 401, "unauthenticated", verified.error().message);
      return false;
    }
    if (MediaType(request.Header("Content-Type")) != media_type) {
      ReplyError(ex, 415, "unsupported_media_type",
                 "Content-Type must be " + std::string(media_type));
      return false;
    }
    return true;
  }

  void HandleEvent(const ExchangePtr& ex) {
    if (!Accept(ex, "application/json")) return;
    auto event = slack::ParseEvent(ex->request().body, OwnUserId());
    if (!event.ok()) return ReplyError(ex, event.error());
    const slack::SlackEvent& e = event.value();
    switch (e.kind) {
      case slack::SlackEvent::Kind::kUrlVerification:
        return ex->Reply(JsonResponse(
            200, boost::json::serialize(boost::json::object{{"challenge", e.challenge}})));
      case slack::SlackEvent::Kind::kIgnored:
        context_.logger.Log(LogLevel::kDebug, "slack: event ignored",
                            {{"event.reason", std::string_view(e.ignored_reason)}}, ex->trace_id);
        return ex->Reply(JsonResponse(200, R"({"ok":true})"));
      case slack::SlackEvent::Kind::kMessage:
        break;
    }
    const bool retry = !ex->request().Header("X-Slack-Retry-Num").empty();
    context_.inbox.Accept(slack::EventDedupeKey(e), slack::MessageFromEvent(e, ex->trace_id),
                          [this, ex, retry](Result<EnqueueResult> stored) {
                            if (!stored.ok())
                              return ReplyError(ex, stored.error());  // Slack retries
                            if (stored.value().duplicate) {
                              context_.logger.Log(LogLevel::kDebug, "slack: event already stored",
                                                  {{"event.action", std::string_view("duplicate")},
                                                   {"storybot.slack.retry", retry}},
                                                  ex->trace_id);
                            }
                            ex->Reply(JsonResponse(200, R"({"ok":true})"));
                          });
  }

  void HandleCommand(const ExchangePtr& ex) {
    if (!Accept(ex, "application/x-www-form-urlencoded")) return;
    auto form = slack::ParseForm(ex->request().body);
    if (!form.ok()) return ReplyError(ex, form.error());
    if (auto ssl = form.value().find("ssl_check");
        ssl != form.value().end() && ssl->second == "1") {
      return ex->Reply(JsonResponse(200, R"({"ok":true})"));
    }
    auto command = slack::ParseSlashCommand(form.value());
    if (!command.ok()) return ReplyError(ex, command.error());
    const slack::SlashCommand& c = command.value();
    const Language language = DetectLanguage(c.text, "");
    // Help is about the command itself: answered at once, privately, with nothing stored.
    if (slack::IsHelpRequest(c.text)) return ex->Reply(Ephemeral(SlashHelp(language)));
    context_.inbox.Accept(slack::CommandDedupeKey(c), slack::MessageFromCommand(c, ex->trace_id),
                          [ex, language](Result<EnqueueResult> stored) {
                            if (!stored.ok()) return ReplyError(ex, stored.error());
                            ex->Reply(Ephemeral(Text(BotText::kWriting, language)));
                          });
  }

  const ChannelContext context_;
  const Settings settings_;
  slack::SignatureVerifier verifier_;
  slack::SlackWebApi api_;
  slack::SlackSender sender_;
  std::mutex mutex_;
  std::string own_user_id_;  // guarded by mutex_; empty until auth.test answers
  std::thread auth_thread_;
};

}  // namespace

std::unique_ptr<ChannelModule> MakeChannel(const ChannelContext& context) {
  if (ReadSettings(context.config.values).signing_secret.empty()) return nullptr;
  return std::make_unique<SlackChannel>(context);
}

}  // namespace storybot::slack
