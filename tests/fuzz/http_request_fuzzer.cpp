// The HTTP request path without sockets: middleware (trace id, access log + metrics, CORS),
// routing, admin auth, JSON bodies and the prompt handlers over a real SQLite file.
//
// Input framing (text, so seeds are readable): line 1 is the method, line 2 the target, then
// header lines "Name: value" up to an empty line, then the body. "\n" or "\r\n" both end a line.
//
// The head rules (http/request_head.h) run on the same input: an accepted head has an
// origin-form target (or "*"), and an absolute-form target never leaks its scheme into it.
//
// Oracles besides the sanitizers: every request is answered exactly once within a bound, with a
// status in 100..599, an X-Trace-Id, and a JSON body that parses when it says application/json.
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "core/logging.h"
#include "core/metrics.h"
#include "core/prompt_service.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_chat_store.h"
#include "core/storage/sqlite_prompt_store.h"
#include "core/work_pool.h"
#include "http/middleware.h"
#include "http/prompts_api.h"
#include "http/request_head.h"
#include "http/router.h"
#include "http/system_api.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace storybot;
using fuzz::Check;

constexpr std::string_view kToken = "fuzz-admin-token";
// Keeps the prompt table (and so GET /api/prompts) small however many POSTs the fuzzer finds.
constexpr std::size_t kMaxPrompts = 64;

// Built once per process: the real composition, minus the server and the channels.
struct Stack {
  Stack() {
    // Under /dev/shm when there is one: prompt writes fsync, and fuzzing wants speed, not disks.
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir = base / ("storybot-fuzz-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    logger = Logger::Open({"", LogLevel::kError, false}).value();
    metrics = std::make_unique<Metrics>("fuzz", std::vector<std::string>{"telegram"});
    database = Database::Open((dir / "storybot.db").string()).value();
    store = std::make_unique<SqlitePromptStore>(*database);
    prompts = std::make_unique<PromptService>(*store);
    pool = std::make_unique<WorkPool>(1);
    writer = GroupCommitWriter::Open((dir / "storybot.db").string()).value();
    chats = std::make_unique<SqliteChatStore>(*database, *writer);
    http::AddSystemRoutes(router, *metrics, {{"database", [this] { return database->Healthy(); }}});
    http::AddPromptRoutes(router, *prompts, *pool, *chats);
    pipeline = std::make_unique<http::Pipeline>(
        std::vector<http::Middleware>{
            http::TraceIdMiddleware(), http::ObservabilityMiddleware(*logger, *metrics),
            http::CorsMiddleware({"http://localhost:5173", "https://admin.example"})},
        http::Dispatcher(router, std::string(kToken), *logger));
    std::atexit([] { std::filesystem::remove_all(Instance().dir); });
  }

  static Stack& Instance() {
    static Stack* stack = new Stack();  // never destroyed: other threads may still use it
    return *stack;
  }

  void TrimPrompts() {
    auto list = prompts->List();
    if (!list.ok() || list.value()->prompts.size() <= kMaxPrompts) return;
    for (const Prompt& p : list.value()->prompts) (void)prompts->Delete(p.id);
  }

  std::filesystem::path dir;
  std::shared_ptr<Logger> logger;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<Database> database;
  std::unique_ptr<SqlitePromptStore> store;
  std::unique_ptr<PromptService> prompts;
  std::unique_ptr<WorkPool> pool;
  std::unique_ptr<GroupCommitWriter> writer;
  std::unique_ptr<SqliteChatStore> chats;  // the prompts' usage counts
  http::Router router;
  std::unique_ptr<http::Pipeline> pipeline;
};

// Takes the next line (without its "\r\n" / "\n") off the front of `in`.
std::string_view NextLine(std::string_view& in) {
  const std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

http::Request ParseRequest(std::string_view in) {
  http::Request request;
  request.method = NextLine(in);
  request.target = NextLine(in);
  const std::size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  if (q != std::string::npos) request.query = request.target.substr(q + 1);
  while (!in.empty()) {
    const std::string_view line = NextLine(in);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(line.substr(0, colon), value);
  }
  request.body = in;
  request.remote_ip = "127.0.0.1";
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Stack& stack = Stack::Instance();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const http::Request parsed = ParseRequest(input);
  for (unsigned version : {10u, 11u}) {
    const http::RequestHeadVerdict head =
        http::CheckRequestHead({version, parsed.method, parsed.target, parsed.headers});
    if (head.error) {
      Check(head.error->status == 400 || head.error->status == 501, "unexpected head status");
    } else {
      Check(head.target == "*" || (!head.target.empty() && head.target.front() == '/'),
            "an accepted target that is not origin-form");
    }
  }

  auto replied = std::make_shared<std::promise<http::Response>>();
  std::future<http::Response> response = replied->get_future();
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto exchange = std::make_shared<http::Exchange>(parsed, [replied, calls](http::Response r) {
    if (calls->fetch_add(1) == 0) replied->set_value(std::move(r));
  });
  stack.pipeline->Handle(exchange);

  // Handlers that write post to the pool; 10 s is far beyond any honest SQLite write.
  Check(response.wait_for(std::chrono::seconds(10)) == std::future_status::ready,
        "no reply within 10 s");
  const http::Response r = response.get();
  Check(r.status >= 100 && r.status <= 599, "status out of range");
  Check(http::IsValidTraceId(r.Header("X-Trace-Id")), "missing or invalid X-Trace-Id");
  if (r.Header("Content-Type").starts_with("application/json") && !r.body.empty()) {
    boost::system::error_code ec;
    boost::json::parse(r.body, ec);
    Check(!ec, "an application/json body that is not valid JSON");
  }
  Check(calls->load() == 1, "the sender was called more than once");
  stack.TrimPrompts();
  return 0;
}
