// The generic webhook channel (issue 6, Standard Webhooks): signed inbound deliveries at
// POST /webhooks/{integration}, answered synchronously (the story within the sync timeout, else
// 202 + job id) or by a signed callback; signed job status at GET
// /webhooks/{integration}/jobs/{id}; the integrations admin API. Verification, signing and SSRF
// rules live in channels/webhook/.
#include "channels/webhook/channel.h"
#include "channels/webhook/channel_id.h"

#include <boost/json.hpp>
#include <charconv>
#include <condition_variable>
#include <map>
#include <thread>

#include "channels/channel_module.h"
#include "channels/webhook/admin_api.h"
#include "channels/webhook/callback_dispatcher.h"
#include "channels/webhook/inbound.h"
#include "channels/webhook/integration_registry.h"
#include "channels/webhook/settings.h"
#include "channels/webhook/signature.h"
#include "channels/webhook/ssrf.h"
#include "core/clock.h"
#include "core/secrets.h"
#include "core/storage/sqlite_integration_store.h"

namespace storybot::webhook {
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


std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsJsonContentType(std::string_view type) {
  std::string lower;
  for (char c : type.substr(0, type.find(';'))) {
    if (c != ' ') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower == "application/json";
}

std::string Field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A callback target the integration may not use is refused at submission (400) when that is
// decidable without DNS: IP literals and localhost. Names are checked again, resolved, at send.
Status CheckCallbackAtSubmission(const std::string& url, const Integration& integration) {
  auto parsed = webhook::ParseCallbackUrl(url);
  if (!parsed.ok()) return InvalidArgument("callback_url: " + parsed.error().message);
  auto allowlist = webhook::ParseAllowlist(integration.callback_allowlist);
  const std::vector<webhook::AllowEntry> entries =
      allowlist.ok() ? allowlist.value() : std::vector<webhook::AllowEntry>{};
  std::optional<webhook::IpAddress> address = parsed.value().literal;
  const std::string& host = parsed.value().host;
  if (!address && (host == "localhost" || host.ends_with(".localhost"))) {
    address = webhook::ParseIp("127.0.0.1");
  }
  if (!address) return {};
  Status allowed = webhook::CheckAddress(*address, host, entries);
  if (!allowed.ok()) return InvalidArgument("callback_url: " + allowed.error().message);
  return {};
}

// A request waiting for its story (sync answer).
struct Waiter {
  ExchangePtr exchange;
  std::string integration;
  std::int64_t job_id = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

class WebhookChannel final : public ChannelModule, public ReplySender {
 public:
  explicit WebhookChannel(const ChannelContext& context)
      : context_(context),
        settings_(ReadSettings(context.config.values)),
        store_(context.database, context.writer),
        registry_(store_),
        dispatcher_(store_, registry_, context.logger, CallbackOptionsFrom(settings_)),
        pool_(2) {}

  ~WebhookChannel() override { Stop(); }

  ChannelId id() const override { return kChannelId; }
  ReplySender& sender() override { return *this; }

  void AddRoutes(Router& router) override {
    AddIntegrationRoutes(router, registry_, context_.pool);
    router.Add("POST", "/webhooks/{integration}", Auth::kNone,
               [this](const ExchangePtr& ex) { Inbound(ex); });
    router.Add("GET", "/webhooks/{integration}/jobs/{id}", Auth::kNone,
               [this](const ExchangePtr& ex) { JobStatus(ex); });
  }

  Status Start() override {
    Status loaded = registry_.Load();
    if (!loaded.ok()) return loaded;
    Status started = dispatcher_.Start();
    if (!started.ok()) return started;
    timer_ = std::thread([this] { TimerLoop(); });
    return {};
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (timer_.joinable()) timer_.join();
    dispatcher_.Stop();
    pool_.Stop();
    // Whoever still waits learns where to poll.
    std::multimap<std::string, Waiter> left;
    {
      std::lock_guard lock(mutex_);
      left.swap(waiters_);
    }
    for (auto& [key, w] : left) ReplyAccepted(w);
  }

  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override {
    pool_.Post(
        [this, reply, done = std::move(done)]() mutable { Deliver(reply, std::move(done)); });
  }

 private:
  static webhook::CallbackOptions CallbackOptionsFrom(const Settings& settings) {
    webhook::CallbackOptions options;
    options.retry_window_s = settings.callback_retry_s;
    return options;
  }

  // The integration named in the path, with the request's signature checked against its
  // secrets; replies 404/401 itself and returns nullopt.
  std::optional<Integration> Authenticate(const ExchangePtr& ex, std::string_view body) {
    const std::string& name = ex->params.at("integration");
    std::optional<Integration> integration = registry_.Find(name);
    if (!integration) {
      ReplyError(ex, 404, "not_found", "integration " + name + " does not exist");
      return std::nullopt;
    }
    const Request& rq = ex->request();
    const std::int64_t now = UnixNow();
    Status verified = webhook::Verify(
        webhook::IntegrationRegistry::Keys(*integration, now),
        {rq.Header("webhook-id"), rq.Header("webhook-timestamp"), rq.Header("webhook-signature")},
        body, now);
    if (!verified.ok()) {
      context_.logger.Log(LogLevel::kWarn, "webhook signature refused",
                          {{"storybot.integration", std::string_view(name)},
                           {"error.message", std::string_view(verified.error().message)}},
                          ex->trace_id);
      ReplyError(ex, verified.error());
      return std::nullopt;
    }
    return integration;
  }

  // The prompt an integration names must exist and be enabled: a silent fallback to the
  // built-in prompt would hide a typo (docs/webhooks.md promises "validated").
  Status CheckPrompt(std::int64_t id) {
    if (context_.prompts == nullptr) return {};
    auto snapshot = context_.prompts->List();
    if (!snapshot.ok()) return snapshot.error();
    for (const Prompt& p : snapshot.value()->prompts) {
      if (p.id != id) continue;
      if (p.enabled) return {};
      return InvalidArgument("prompt_id: prompt " + std::to_string(id) +
                             " is disabled; enable it or send another");
    }
    return InvalidArgument("prompt_id: prompt " + std::to_string(id) +
                           " does not exist (GET /api/prompts lists them)");
  }

  void Inbound(const ExchangePtr& ex) {
    const Request& rq = ex->request();
    std::optional<Integration> integration = Authenticate(ex, rq.body);
    if (!integration) return;
    if (!IsJsonContentType(rq.Header("Content-Type"))) {
      return ReplyError(ex, 415, "unsupported_media_type",
                        "send the body as Content-Type: application/json");
    }
    auto parsed = webhook::ParseInboundRequest(rq.body);
    if (!parsed.ok()) return ReplyError(ex, parsed.error());
    const webhook::InboundRequest& body = parsed.value();
    if (body.prompt_id) {
      Status known = CheckPrompt(*body.prompt_id);
      if (!known.ok()) return ReplyError(ex, known.error());
    }
    if (!body.callback_url.empty()) {
      Status allowed = CheckCallbackAtSubmission(body.callback_url, *integration);
      if (!allowed.ok()) return ReplyError(ex, allowed.error());
    }

    // The engine reads user_name, language, text, prompt_id and variables; reply_context keeps
    // what the sender and the job-status endpoint need.
    boost::json::object context{{"integration", integration->name},
                                {"webhook_id", std::string(rq.Header("webhook-id"))},
                                {"user_id", body.user_id}};
    if (!body.callback_url.empty()) context["callback_url"] = body.callback_url;
    if (body.prompt_id) context["prompt_id"] = *body.prompt_id;
    if (!body.variables.empty()) {
      boost::json::object vars;
      for (const auto& [k, v] : body.variables) vars[k] = v;
      context["variables"] = std::move(vars);
    }
    InboundMessage message;
    message.channel = kChannelId.str();
    message.chat_id = integration->name + ":" + body.user_id;
    message.user_id = body.user_id;
    message.user_name = body.user_name;
    message.language = body.language;  // an explicit choice: it wins over the text
    message.text = body.text;
    message.reply_context = boost::json::serialize(context);
    message.trace_id = ex->trace_id;
    if (body.prompt_id) message.prompt_id = *body.prompt_id;
    for (const auto& [name, value] : body.variables) message.variables[name] = value;
    // Per integration: two integrations may well use the same webhook-id.
    const std::string key = integration->name + ":" + std::string(rq.Header("webhook-id"));
    const bool sync = body.callback_url.empty() && settings_.sync_timeout_s > 0;
    const std::string name = integration->name;
    if (sync) {
      std::lock_guard lock(mutex_);
      waiters_.emplace(key, Waiter{ex, name, 0, {}});
    }
    context_.inbox.Accept(
        key, std::move(message), [this, ex, key, name, sync](Result<EnqueueResult> r) {
          if (!r.ok()) {
            if (sync) DropWaiter(key, ex);
            return ReplyError(ex, r.error());
          }
          const std::int64_t job_id = r.value().job_id;
          if (!sync) return ReplyAccepted(Waiter{ex, name, job_id, {}});
          {
            std::lock_guard lock(mutex_);
            auto range = waiters_.equal_range(key);
            for (auto it = range.first; it != range.second; ++it) {
              if (it->second.exchange != ex) continue;
              it->second.job_id = job_id;
              it->second.deadline = std::chrono::steady_clock::now() +
                                    std::chrono::seconds(settings_.sync_timeout_s);
            }
          }
          wake_.notify_all();
          // A replay of a job that is already answered gets the stored story at once.
          if (r.value().duplicate) pool_.Post([this, key] { AnswerFromStore(key); });
        });
  }

  void JobStatus(const ExchangePtr& ex) {
    std::optional<Integration> integration = Authenticate(ex, "");
    if (!integration) return;
    const std::string& text = ex->params.at("id");
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
      return ReplyError(ex, 404, "not_found", "job " + text + " does not exist");
    }
    pool_.Post([this, ex, id, prefix = integration->name + ":"] {
      auto job = store_.FindJob(id, prefix);
      if (!job.ok()) return ReplyError(ex, job.error());
      if (!job.value()) {
        return ReplyError(ex, 404, "not_found", "job " + std::to_string(id) + " does not exist");
      }
      ex->Reply(JsonResponse(200, boost::json::serialize(JobObject(*job.value()))));
    });
  }

  static boost::json::object JobObject(const WebhookJob& job) {
    std::string status = job.state;  // done, pending
    if (job.state == "dead" || job.state == "failed") status = "failed";
    boost::json::object o{{"job_id", job.id},
                          {"status", status},
                          {"created_at", job.created_at},
                          {"updated_at", job.updated_at}};
    o["story"] = job.reply ? boost::json::value(*job.reply) : boost::json::value(nullptr);
    if (job.callback) {
      const CallbackRecord& c = *job.callback;
      boost::json::object cb{
          {"state", c.state}, {"attempts", c.attempts}, {"webhook_id", c.message_id}};
      cb["last_status"] = c.last_status ? boost::json::value(c.last_status) : nullptr;
      cb["last_error"] =
          c.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(c.last_error);
      if (c.state == "pending") {
        cb["next_attempt_at"] = FormatRfc3339(
            std::chrono::system_clock::time_point(std::chrono::seconds(c.next_attempt_at)));
      }
      o["callback"] = std::move(cb);
    }
    return o;
  }

  // The answer fields a story reply carries (sync body and callback data). `engine` is the one
  // that wrote the story (offline after an LLM fallback); when that is not known (a reply saved
  // before a restart, a replay answered from the store), the configured one.
  boost::json::object StoryObject(const std::string& story, const std::string& chat_id,
                                  const std::string& engine = "") {
    const char* configured = context_.config.llm.base_url.empty() ? "offline" : "openai";
    boost::json::object o{{"story", story}};
    o["engine"] = engine.empty() ? boost::json::string(configured) : boost::json::string(engine);
    auto conversation = store_.FindConversation(kChannelId.str(), chat_id);
    const ConversationRef ref = conversation.ok() ? conversation.value() : ConversationRef{};
    o["prompt_id"] = ref.prompt_id ? boost::json::value(ref.prompt_id) : nullptr;
    o["conversation_id"] = ref.id ? boost::json::value(ref.id) : nullptr;
    return o;
  }

  // On pool_: the job runner hands over a written reply.
  void Deliver(const OutboundReply& reply, std::function<void(SendResult)> done) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(reply.reply_context, ec);
    const boost::json::object context =
        !ec && parsed.is_object() ? parsed.as_object() : boost::json::object{};
    boost::json::object answer = StoryObject(reply.text, reply.chat_id, reply.engine);
    const std::string callback_url = Field(context, "callback_url");
    if (callback_url.empty()) {
      CompleteWaiters(reply.delivery_key, answer);
      return done({SendOutcome::kSent, "", 0});
    }
    auto job = store_.FindJobByKey(reply.delivery_key);
    if (!job.ok()) return done({SendOutcome::kRetry, job.error().message, 0});
    boost::json::object data{{"job_id", job.value() ? job.value()->id : 0},
                             {"webhook_id", Field(context, "webhook_id")},
                             {"user_id", Field(context, "user_id")}};
    for (auto& [k, v] : answer) data[k] = v;
    CallbackRecord record;
    record.delivery_key = reply.delivery_key;
    record.integration = Field(context, "integration");
    record.url = callback_url;
    record.message_id = "msg_" + RandomHex(16);
    record.payload = boost::json::serialize(boost::json::object{
        {"type", "story.completed"}, {"timestamp", NowRfc3339()}, {"data", std::move(data)}});
    dispatcher_.Enqueue(std::move(record), [done = std::move(done)](Status stored) {
      if (!stored.ok()) return done({SendOutcome::kRetry, stored.error().message, 0});
      done({SendOutcome::kSent, "", 0});
    });
  }

  // On pool_: a replayed sync request whose job already has its answer.
  void AnswerFromStore(const std::string& key) {
    auto job = store_.FindJobByKey(key);
    // A saved reply is final (never rewritten), whether or not its job is marked done yet.
    if (!job.ok() || !job.value() || !job.value()->reply) {
      return;  // still being written: the sender (or the timeout) answers
    }
    CompleteWaiters(key, StoryObject(*job.value()->reply, job.value()->chat_id));
  }

  void CompleteWaiters(const std::string& key, const boost::json::object& answer) {
    std::vector<Waiter> ready;
    {
      std::lock_guard lock(mutex_);
      auto range = waiters_.equal_range(key);
      for (auto it = range.first; it != range.second; ++it) ready.push_back(std::move(it->second));
      waiters_.erase(range.first, range.second);
    }
    const std::string body = boost::json::serialize(answer);
    for (Waiter& w : ready) w.exchange->Reply(JsonResponse(200, body));
  }

  void DropWaiter(const std::string& key, const ExchangePtr& ex) {
    std::lock_guard lock(mutex_);
    auto range = waiters_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.exchange == ex) {
        waiters_.erase(it);
        return;
      }
    }
  }

  static void ReplyAccepted(const Waiter& w) {
    const std::string status_url =
        "/webhooks/" + w.integration + "/jobs/" + std::to_string(w.job_id);
    boost::json::object o{{"job_id", w.job_id}, {"status", "pending"}, {"status_url", status_url}};
    Response r = JsonResponse(202, boost::json::serialize(o));
    r.Set("Location", status_url);
    w.exchange->Reply(std::move(r));
  }

  // Sync requests past their deadline get 202 + where to poll.
  void TimerLoop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const auto now = std::chrono::steady_clock::now();
      auto next = now + std::chrono::seconds(1);
      std::vector<Waiter> expired;
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (it->second.deadline <= now) {
          expired.push_back(std::move(it->second));
          it = waiters_.erase(it);
        } else {
          next = std::min(next, it->second.deadline);
          ++it;
        }
      }
      if (!expired.empty()) {
        lock.unlock();
        for (const Waiter& w : expired) ReplyAccepted(w);
        lock.lock();
        continue;
      }
      wake_.wait_until(lock, next);
    }
  }

  ChannelContext context_;
  const Settings settings_;
  SqliteIntegrationStore store_;
  webhook::IntegrationRegistry registry_;
  webhook::CallbackDispatcher dispatcher_;
  WorkPool pool_;  // database reads and writes of replies; never the I/O threads

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<std::string, Waiter> waiters_;  // by delivery key
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace

std::unique_ptr<ChannelModule> MakeChannel(const ChannelContext& context) {
  return std::make_unique<WebhookChannel>(context);
}

}  // namespace storybot::webhook
