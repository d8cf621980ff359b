#include "app/application.h"

#include <sys/stat.h>

#include <filesystem>

#include "app/admin_web_dir.h"
#include "app/channels.h"
#include "core/admin/admin_authenticator.h"
#include "core/jobs/inbox.h"
#include "core/jobs/job_runner.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/prompt_service.h"
#include "core/safety/moderated_story_writer.h"
#include "core/safety/moderator.h"
#include "core/safety/safety_service.h"
#include "core/safety/token_budget.h"
#include "core/secrets.h"
#include "core/stats/stats_recorder.h"
#include "core/storage/database.h"
#include "core/storage/file_modes.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_admin_store.h"
#include "core/storage/sqlite_chat_store.h"
#include "core/storage/sqlite_integration_store.h"
#include "core/storage/sqlite_prompt_store.h"
#include "core/storage/sqlite_safety_store.h"
#include "core/storage/sqlite_stats_store.h"
#include "core/story/offline_storyteller.h"
#include "core/story/openai_backend.h"
#include "core/story/story_writer.h"
#include "core/work_pool.h"
#include "http/audit_api.h"
#include "http/jobs_api.h"
#include "http/middleware.h"
#include "http/prompts_api.h"
#include "http/router.h"
#include "http/safety_api.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/stats_api.h"
#include "http/story_api.h"
#include "http/system_api.h"
#include "storybot/version.h"

namespace storybot {

// Owns every long-lived part, in construction order (members are destroyed in reverse).
struct Application::Parts {
  Config config;
  std::shared_ptr<Logger> logger;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<Database> database;
  std::unique_ptr<SqlitePromptStore> prompt_store;
  std::unique_ptr<PromptService> prompts;
  std::unique_ptr<GroupCommitWriter> writer;
  std::unique_ptr<SqliteChatStore> chats;
  std::unique_ptr<SqliteIntegrationStore> integrations;
  std::unique_ptr<SqliteStatsStore> stats_store;
  std::unique_ptr<StatsRecorder> stats;
  std::unique_ptr<WorkPool> pool;
  std::unique_ptr<SqliteAdminAccountStore> admin_accounts;
  std::unique_ptr<SqliteAuditLog> audit;
  // Refreshes on the pool, which is stopped (its queue run) before any member is destroyed.
  std::unique_ptr<AdminAuthenticator> admins;
  OfflineStoryteller offline;
  std::unique_ptr<StoryWriter> story_writer;
  std::unique_ptr<SqliteSafetyStore> safety_store;
  std::unique_ptr<Moderator> moderator;
  std::unique_ptr<TokenBudget> budget;
  std::unique_ptr<SafetyService> safety;
  std::unique_ptr<ModeratedStoryWriter> moderated_writer;  // what the runner and the preview use
  std::unique_ptr<JobRunner> jobs;
  std::unique_ptr<Inbox> inbox;
  std::vector<std::unique_ptr<channels::ChannelModule>> channels;
  // Destroyed before the runner: pending LLM calls fail into the runner, which still exists.
  std::unique_ptr<OpenAiBackend> llm;
  http::Router router;
  std::unique_ptr<http::Pipeline> pipeline;
  std::unique_ptr<http::Server> server;
  Started started;
};

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Application::~Application() {
  for (auto& channel : parts_->channels) channel->Stop();
  if (parts_->jobs) parts_->jobs->Stop(std::chrono::milliseconds(0));
  if (parts_->moderated_writer) parts_->moderated_writer->Stop();
  if (parts_->pool) parts_->pool->Stop();
  parts_->llm.reset();
  if (parts_->stats) parts_->stats->Stop();  // its last counts go out before the writer stops
  if (parts_->writer) parts_->writer->Stop();
  if (parts_->logger) parts_->logger->Flush();
}

namespace {

// The data directory is storybot's own (0700, files 0600: it holds every integration's secret):
// created so, and checked at each start, since an older storybot, `mkdir` or a copy may have
// left it readable. What is ours is tightened; all of it is logged.
Status PrepareDataDir(const std::string& dir, Logger& logger) {
  Status created = CreatePrivateDir(dir);
  if (!created.ok()) return created;
  for (const LooseMode& loose : TightenPrivateDir(dir)) {
    const std::string found = FormatMode(loose.found);
    const std::string wanted = FormatMode(loose.wanted);
    logger.Log(LogLevel::kWarn,
               loose.fixed ? "data directory entry was readable by others; tightened"
                           : "data directory entry is readable by others; cannot tighten it",
               {{"file.path", std::string_view(loose.path)},
                {"file.mode", std::string_view(found)},
                {"storybot.wanted_mode", std::string_view(wanted)},
                {"error.message", std::string_view(loose.error)}});
  }
  return {};
}

}  // namespace

Status Application::StartSafety(const Config& config, Parts& p) {
  const ConfigValues& v = config.values;
  const ModerationMode mode = ParseModerationMode(v.Text("moderation.mode"));
  std::unique_ptr<ModerationApi> api;
  if (mode == ModerationMode::kApi) {
    ModerationApiOptions options;
    options.base_url =
        v.Text("moderation.base_url").empty() ? config.llm.base_url : v.Text("moderation.base_url");
    options.api_key = config.llm.api_key;
    // A reader waits for it: at most 10 s, less when the LLM's own timeout is shorter.
    options.timeout_ms = std::min(config.llm.timeout_s, 10) * 1000L;
    api = std::make_unique<ModerationApi>(std::move(options), HttpTransport::Real());
  }
  p.safety_store = std::make_unique<SqliteSafetyStore>(*p.database, *p.writer, *p.logger);
  p.moderator = std::make_unique<Moderator>(mode, std::move(api));
  p.budget = std::make_unique<TokenBudget>(*p.safety_store, *p.metrics, *p.logger, Clock::Real());
  SafetyLimits limits;
  limits.user_per_hour = v.Int("limit.user_per_hour");
  limits.user_per_day = v.Int("limit.user_per_day");
  limits.chat_per_minute = v.Int("limit.chat_per_minute");
  limits.llm_daily_tokens = v.Int("llm.daily_tokens");
  p.safety = std::make_unique<SafetyService>(limits, *p.moderator, *p.budget, *p.safety_store,
                                             *p.metrics, *p.logger, Clock::Real());
  Status loaded = p.safety->Load();
  if (!loaded.ok()) return loaded;
  p.story_writer->SetAllowance(p.budget.get());
  p.moderated_writer = std::make_unique<ModeratedStoryWriter>(*p.story_writer, p.offline,
                                                              *p.moderator, *p.metrics, *p.logger);
  return {};
}

Result<std::unique_ptr<Application>> Application::Create(
    const Config& config, const std::vector<std::string>& config_warnings) {
  auto p = std::make_unique<Parts>();
  p->config = config;
  // Whatever storybot creates is not world-readable: the logs end up 0640 (a log group may read
  // them), the data directory and its files are 0700/0600 by their own modes.
  ::umask(::umask(0) | S_IRWXO | S_IWGRP);

  Result<LogLevel> level = ParseLogLevel(config.log_level);
  if (!level.ok()) return level.error();
  auto logger = Logger::Open({config.log_dir, level.value(), true});
  if (!logger.ok()) return logger.error();
  p->logger = logger.value();
  // Whatever a table marks secret, core's or a channel's, never reaches a log line.
  for (const std::string& secret : SecretValues(config)) p->logger->AddSecret(secret);
  for (const std::string& warning : config_warnings) p->logger->Log(LogLevel::kWarn, warning);

  Status data_dir = PrepareDataDir(config.data_dir, *p->logger);
  if (!data_dir.ok()) return data_dir.error();
  auto token = LoadOrCreateAdminToken(config.data_dir, config.admin_token);
  if (!token.ok()) return token.error();
  p->logger->AddSecret(token.value().value);
  if (token.value().generated_now) {
    p->started.admin_token_notice = "admin token: " + token.value().value + " (saved in " +
                                    token.value().path + "; shown only this once)";
  } else if (!token.value().path.empty()) {
    p->started.admin_token_notice = "admin token: in " + token.value().path;
  }

  std::vector<std::string> known_channels;
  for (const channels::ChannelRegistration& known : KnownChannels()) {
    known_channels.push_back(known.id.str());
  }
  p->metrics = std::make_unique<Metrics>(kVersion, known_channels);
  const std::string db_path = (std::filesystem::path(config.data_dir) / "storybot.db").string();
  auto db = Database::Open(db_path);
  if (!db.ok()) return db.error();
  p->database = std::move(db).value();
  auto writer = GroupCommitWriter::Open(db_path);
  if (!writer.ok()) return writer.error();
  p->writer = std::move(writer).value();
  p->prompt_store = std::make_unique<SqlitePromptStore>(*p->database, p->writer.get());
  p->prompts = std::make_unique<PromptService>(*p->prompt_store);
  p->chats = std::make_unique<SqliteChatStore>(*p->database, *p->writer);
  p->integrations = std::make_unique<SqliteIntegrationStore>(*p->database, *p->writer);
  p->pool = std::make_unique<WorkPool>(2);
  p->admin_accounts = std::make_unique<SqliteAdminAccountStore>(*p->database, *p->writer);
  p->audit = std::make_unique<SqliteAuditLog>(*p->database, *p->writer);
  WorkPool* pool = p->pool.get();
  p->admins = std::make_unique<AdminAuthenticator>(
      p->admin_accounts.get(), token.value().value, Clock::Real(),
      [pool](std::function<void()> task) { pool->Post(std::move(task)); });
  p->stats_store = std::make_unique<SqliteStatsStore>(*p->database, *p->writer);
  p->stats = std::make_unique<StatsRecorder>(*p->stats_store, Clock::Real());
  p->stats->Start();

  if (!config.llm.base_url.empty()) {
    OpenAiOptions llm;
    llm.base_url = config.llm.base_url;
    llm.api_key = config.llm.api_key;
    llm.model = config.llm.model;
    llm.timeout_s = config.llm.timeout_s;
    llm.max_retries = config.llm.max_retries;
    p->llm = std::make_unique<OpenAiBackend>(llm, *p->logger, *p->metrics);
  }
  p->story_writer = std::make_unique<StoryWriter>(p->llm.get(), p->offline, *p->metrics, *p->logger,
                                                  Clock::Real(), p->stats.get());
  Status safety = StartSafety(config, *p);
  if (!safety.ok()) return safety.error();
  EngineOptions engine;
  engine.system_prompt = config.story_system_prompt;
  engine.max_tokens = config.llm.max_tokens;
  JobRunnerOptions job_options;
  job_options.workers = config.workers;
  job_options.safety = p->safety.get();
  job_options.stats = p->stats.get();
  p->jobs = std::make_unique<JobRunner>(*p->chats, *p->prompts, *p->moderated_writer,
                                        std::map<std::string, ReplySender*>{}, engine, *p->metrics,
                                        *p->logger, job_options);
  p->inbox = std::make_unique<Inbox>(*p->chats, *p->jobs, *p->metrics, *p->logger);

  const channels::ChannelContext context{p->config,   *p->inbox,  *p->chats, *p->integrations,
                                         *p->metrics, *p->logger, *p->pool,  p->prompts.get()};
  for (const channels::ChannelRegistration& known : KnownChannels()) {
    if (auto channel = known.make(context)) {
      p->jobs->RegisterSender(channel->id(), channel->sender());
      channel->AddRoutes(p->router);
      p->channels.push_back(std::move(channel));
    }
  }
  Status jobs_started = p->jobs->Start();
  if (!jobs_started.ok()) return jobs_started.error();
  for (auto& channel : p->channels) {
    Status started = channel->Start();
    if (!started.ok()) return started.error();
    p->logger->Log(LogLevel::kInfo, "channel on", {{"storybot.channel", channel->id().name()}});
  }

  Database* database = p->database.get();
  JobRunner* jobs = p->jobs.get();
  std::vector<http::ReadinessCheck> readiness{
      {"database", [database] { return database->Healthy(); }},
      {"workers", [jobs] { return jobs->running(); }}};
  for (const auto& channel : p->channels) {  // a channel that cannot work makes /readyz 503
    const channels::ChannelModule* module = channel.get();
    readiness.push_back({module->id().str(), nullptr, [module] { return module->Problem(); }});
  }
  http::AddSystemRoutes(p->router, *p->metrics, std::move(readiness));
  http::AddPromptRoutes(p->router, *p->prompts, *p->pool, *p->chats);
  http::AddAuditRoutes(p->router, *p->audit, *p->pool);
  http::AddJobRoutes(p->router,
                     {*p->chats, *p->pool, [jobs](Job job) { jobs->Requeue(std::move(job)); }});
  std::vector<std::string> channel_names;
  for (const auto& channel : p->channels) channel_names.push_back(channel->id().str());
  http::AddStatsRoutes(p->router,
                       {*p->stats_store, *p->stats, *p->pool, Clock::Real(), channel_names});
  http::AddStoryRoutes(p->router,
                       {*p->prompts, *p->chats, *p->moderated_writer, engine, *p->pool,
                        std::move(channel_names), std::move(known_channels), p->budget.get()});
  http::AddSafetyRoutes(p->router, *p->safety, *p->pool);
  {
    std::error_code ec;
    const AdminWebDir web = ResolveAdminWebDir(
        config.admin_web_dir, std::filesystem::current_path(ec).string(), CurrentBinaryPath());
    std::string tried;
    for (const std::string& t : web.tried) tried += (tried.empty() ? "" : ", ") + t;
    if (web.path.empty()) {
      p->logger->Log(LogLevel::kWarn,
                     "admin panel not built: no index.html in " + tried +
                         " (build it: make web, or cd admin-web && npm ci && npm run build; or "
                         "set STORYBOT_ADMIN_WEB_DIR)");
    } else {
      p->logger->Log(LogLevel::kInfo, "admin panel served from " + web.path);
    }
    p->started.admin_web_dir = web.path;
    http::AddAdminPanelRoutes(p->router, web.path.empty() ? config.admin_web_dir : web.path);
  }

  p->pipeline = std::make_unique<http::Pipeline>(
      std::vector<http::Middleware>{http::TraceIdMiddleware(),
                                    http::ObservabilityMiddleware(*p->logger, *p->metrics),
                                    http::CorsMiddleware(config.cors_origins)},
      http::Dispatcher(p->router,
                       http::AdminAccess{[admins = p->admins.get()](std::string_view given) {
                                           return admins->Authenticate(given);
                                         },
                                         p->audit.get()},
                       *p->logger));

  http::ServerOptions options;
  options.host = config.http.host;
  options.port = static_cast<std::uint16_t>(config.http.port);
  options.threads = config.http.threads;
  http::Pipeline* pipeline = p->pipeline.get();
  p->server = std::make_unique<http::Server>(
      options, [pipeline](const http::ExchangePtr& ex) { pipeline->Handle(ex); }, *p->logger);
  auto port = p->server->Listen();
  if (!port.ok()) return port.error();
  p->started.port = port.value();
  p->logger->Log(LogLevel::kInfo, "storybot started",
                 {{"server.address", std::string_view(config.http.host)},
                  {"server.port", static_cast<std::int64_t>(port.value())}});
  return std::unique_ptr<Application>(new Application(std::move(p)));
}

const Application::Started& Application::started() const { return parts_->started; }

void Application::StopOnSignals() { parts_->server->StopOnSignals(); }

void Application::Run() {
  parts_->server->Run();
  for (auto& channel : parts_->channels) channel->Stop();
  // Running jobs get a moment to finish; the rest stay pending and resume at the next start.
  parts_->jobs->Stop(std::chrono::seconds(5));
  parts_->pool->Stop();
  parts_->stats->Stop();
  parts_->logger->Log(LogLevel::kInfo, "storybot stopped");
  parts_->logger->Flush();
}

void Application::Shutdown() { parts_->server->Shutdown(); }

}  // namespace storybot
