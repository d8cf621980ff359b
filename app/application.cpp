#include "app/application.h"

#include <filesystem>

#include "core/logging.h"
#include "core/metrics.h"
#include "core/prompt_service.h"
#include "core/secrets.h"
#include "core/storage/database.h"
#include "core/storage/sqlite_prompt_store.h"
#include "core/work_pool.h"
#include "http/middleware.h"
#include "http/prompts_api.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
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
  std::unique_ptr<WorkPool> pool;
  http::Router router;
  std::unique_ptr<http::Pipeline> pipeline;
  std::unique_ptr<http::Server> server;
  Started started;
};

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Application::~Application() {
  if (parts_->pool) parts_->pool->Stop();
  if (parts_->logger) parts_->logger->Flush();
}

Result<std::unique_ptr<Application>> Application::Create(const Config& config) {
  auto p = std::make_unique<Parts>();
  p->config = config;

  Result<LogLevel> level = ParseLogLevel(config.log_level);
  if (!level.ok()) return level.error();
  auto logger = Logger::Open({config.log_dir, level.value(), true});
  if (!logger.ok()) return logger.error();
  p->logger = logger.value();
  for (const std::string* secret :
       {&config.admin_token, &config.llm.api_key, &config.telegram.bot_token,
        &config.telegram.webhook_secret, &config.slack.signing_secret, &config.slack.bot_token}) {
    p->logger->AddSecret(*secret);
  }

  auto token = LoadOrCreateAdminToken(config.data_dir, config.admin_token);
  if (!token.ok()) return token.error();
  p->logger->AddSecret(token.value().value);
  if (token.value().generated_now) {
    p->started.admin_token_notice = "admin token: " + token.value().value + " (saved in " +
                                    token.value().path + "; shown only this once)";
  } else if (!token.value().path.empty()) {
    p->started.admin_token_notice = "admin token: in " + token.value().path;
  }

  p->metrics = std::make_unique<Metrics>(kVersion);
  auto db = Database::Open((std::filesystem::path(config.data_dir) / "storybot.db").string());
  if (!db.ok()) return db.error();
  p->database = std::move(db).value();
  p->prompt_store = std::make_unique<SqlitePromptStore>(*p->database);
  p->prompts = std::make_unique<PromptService>(*p->prompt_store);
  p->pool = std::make_unique<WorkPool>(2);

  Database* database = p->database.get();
  http::AddSystemRoutes(p->router, *p->metrics,
                        {{"database", [database] { return database->Healthy(); }}});
  http::AddPromptRoutes(p->router, *p->prompts, *p->pool);
  http::AddAdminPanelRoutes(p->router, config.admin_web_dir);

  p->pipeline = std::make_unique<http::Pipeline>(
      std::vector<http::Middleware>{http::TraceIdMiddleware(),
                                    http::ObservabilityMiddleware(*p->logger, *p->metrics),
                                    http::CorsMiddleware(config.cors_origins)},
      http::Dispatcher(p->router, token.value().value, *p->logger));

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
  parts_->pool->Stop();
  parts_->logger->Log(LogLevel::kInfo, "storybot stopped");
  parts_->logger->Flush();
}

void Application::Shutdown() { parts_->server->Shutdown(); }

}  // namespace storybot
