// Named admin accounts and the audit trail through the real binary: tokens made and removed with
// `storybot admin` while the server runs, viewers refused every write route of the API document
// (403), editors allowed, every admin write recorded with its before/after and trace id.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/fixture.h"
#include "tests/support/fake_telegram_api.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "webhook-secret_123";
constexpr const char* kChatNotFound =
    R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})";

class AdminAccountsTest : public StorybotTest {
 protected:
  void SetUp() override {
    StartStorybot({{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                   {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                   {"STORYBOT_TELEGRAM_API_URL", api_.base_url()}});
  }

  // `storybot admin ...` on this test's data directory.
  std::string Cli(const std::vector<std::string>& args, int& status) {
    std::vector<std::string> argv = {STORYBOT_BINARY_FOR_TESTS, "admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string output;
    status = RunCommand(
        argv,
        {{"STORYBOT_DATA_DIR", dir_.path() + "/data"}, {"STORYBOT_LOG_DIR", dir_.path() + "/logs"}},
        output);
    return output;
  }

  // Adds an admin with the CLI and returns its token (the one line starting "sbadm_").
  std::string AddAdmin(const std::string& name, const std::string& role) {
    int status = -1;
    const std::string out = Cli({"add", name, "--role", role}, status);
    EXPECT_EQ(status, 0) << out;
    std::smatch m;
    const bool found = std::regex_search(out, m, std::regex("sbadm_[A-Za-z0-9_-]{43}"));
    EXPECT_TRUE(found) << out;
    return found ? m.str() : "";
  }

  HttpResult As(const std::string& token, const std::string& method, const std::string& path,
                const std::string& body = "") {
    HeaderList headers = {{"Authorization", "Bearer " + token}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return Fetch(method, Url(path), headers, body);
  }

  // Waits (bounded) until the running server takes `token`.
  bool Accepted(const std::string& token) {
    return WaitFor([&] { return As(token, "GET", "/api/me").status == 200; });
  }

  boost::json::array Audit(const std::string& query = "") {
    auto r = Get("/api/audit" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Json(r).at("entries").as_array() : boost::json::array{};
  }

  // The newest audit entry for `action`, or null.
  boost::json::object AuditFor(const std::string& action) {
    for (const auto& e : Audit("?limit=200")) {
      if (e.at("action").as_string() == action) return e.as_object();
    }
    return {};
  }

  FakeTelegramApi api_;
};

std::string Str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

// Every (method, path) of the API document's admin operations other than GET, and whether the
// document lets a viewer call it (x-storybot-role: viewer).
struct Operation {
  std::string method;
  std::string path;
  bool viewer_allowed;
};
std::vector<Operation> WriteOperations(const std::string& yaml) {
  std::vector<Operation> out;
  std::istringstream in(yaml);
  std::string line;
  std::string path;
  bool in_paths = false;
  for (std::string line_text; std::getline(in, line_text);) {
    if (line_text == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line_text.empty() && line_text[0] != ' ') break;  // the next top-level key
    std::smatch m;
    if (std::regex_match(line_text, m, std::regex("  (/[^:]*):\\s*"))) {
      path = m[1];
    } else if (std::regex_match(line_text, m, std::regex("    (post|put|patch|delete):\\s*"))) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (path.rfind("/api/", 0) == 0) out.push_back({method, path, false});
    } else if (line_text.find("x-storybot-role: viewer") != std::string::npos && !out.empty() &&
               out.back().path == path) {
      out.back().viewer_allowed = true;
    }
  }
  return out;
}

TEST_F(AdminAccountsTest, CliPrintsTheTokenOnceListsWithoutItAndRefusesBadInput) {
  int status = -1;
  const std::string out = Cli({"add", "vera", "--role", "viewer"}, status);
  ASSERT_EQ(status, 0) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("sbadm_[A-Za-z0-9_-]{43}"))) << out;
  const std::string token = m.str();

  const std::string list = Cli({"list"}, status);
  EXPECT_EQ(status, 0) << list;
  EXPECT_NE(list.find("vera"), std::string::npos) << list;
  EXPECT_NE(list.find("viewer"), std::string::npos) << list;
  EXPECT_NE(list.find("bootstrap"), std::string::npos) << list;
  EXPECT_EQ(list.find(token), std::string::npos);
  EXPECT_EQ(list.find("sbadm_"), std::string::npos);
  EXPECT_EQ(list.find(StorybotProcess::kToken), std::string::npos);

  const std::string dup = Cli({"add", "vera", "--role", "editor"}, status);
  EXPECT_EQ(status, 1) << dup;
  EXPECT_NE(dup.find("already exists"), std::string::npos) << dup;
  EXPECT_EQ(dup.find("sbadm_"), std::string::npos) << dup;
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"add", "Bad Name", "--role", "viewer"},
        {"add", "bootstrap", "--role", "editor"},
        {"add", "x", "--role", "owner"},
        {"add", "x"},
        {"add"},
        {"frobnicate"},
        {}}) {
    const std::string refused = Cli(bad, status);
    EXPECT_EQ(status, 2) << refused;
    EXPECT_EQ(refused.find("sbadm_"), std::string::npos) << refused;
  }
  const std::string missing = Cli({"remove", "nobody"}, status);
  EXPECT_EQ(status, 1) << missing;
  EXPECT_NE(missing.find("does not exist"), std::string::npos) << missing;

  // The token works at once on the running server, and its use shows in the list.
  ASSERT_TRUE(Accepted(token));
  EXPECT_TRUE(WaitFor([&] {
    int s = -1;
    const std::string now = Cli({"list"}, s);
    return now.find("never") == std::string::npos;
  }));

  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() + "/data/storybot.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_.path() + "/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Only the hash is stored: the token is nowhere in the database file.
  std::ifstream db(dir_.path() + "/data/storybot.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(token), std::string::npos);
}

TEST_F(AdminAccountsTest, MeNamesTheAdminAndTheBootstrapTokenStaysAnEditor) {
  auto me = Get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json(me), (boost::json::value{{"name", "bootstrap"}, {"role", "editor"}}));
  const std::string viewer = AddAdmin("vera", "viewer");
  ASSERT_TRUE(Accepted(viewer));
  EXPECT_EQ(Json(As(viewer, "GET", "/api/me")),
            (boost::json::value{{"name", "vera"}, {"role", "viewer"}}));
  EXPECT_EQ(As("sbadm_not-a-real-token", "GET", "/api/me").status, 401);
  EXPECT_EQ(Fetch("GET", Url("/api/me")).status, 401);
}

TEST_F(AdminAccountsTest, AViewerGets403OnEveryWriteRouteAndAnEditorDoesNot) {
  const std::string viewer = AddAdmin("vera", "viewer");
  const std::string editor = AddAdmin("ed", "editor");
  ASSERT_TRUE(Accepted(viewer));
  ASSERT_TRUE(Accepted(editor));
  auto prompt = As(editor, "POST", "/api/prompts", R"({"title":"t","content":"once upon"})");
  ASSERT_EQ(prompt.status, 201) << prompt.body;
  const std::string prompt_id = std::to_string(Json(prompt).at("id").as_int64());

  auto yaml = Fetch("GET", Url("/api/openapi.yaml"));
  ASSERT_EQ(yaml.status, 200);
  const std::vector<Operation> writes = WriteOperations(yaml.body);
  ASSERT_GE(writes.size(), 9u);  // prompts 3, integrations 4, jobs 2, preview
  std::set<std::string> refused;
  for (const Operation& op : writes) {
    std::string path = std::regex_replace(op.path, std::regex("\\{id\\}"), prompt_id);
    path = std::regex_replace(path, std::regex("\\{[a-z_]+\\}"), "acme");
    const std::string body = op.method == "DELETE" ? "" : "{}";
    auto r = As(viewer, op.method, path, body);
    if (op.viewer_allowed) {
      EXPECT_NE(r.status, 403) << op.method << " " << op.path << " " << r.body;
      continue;
    }
    EXPECT_EQ(r.status, 403) << op.method << " " << op.path << " " << r.body;
    if (r.status == 403) {
      EXPECT_EQ(ErrorCodeOf(r), "forbidden");
      EXPECT_EQ(Str(Json(r).at("trace_id")), r.Header("x-trace-id"));
      refused.insert(op.method + " " + op.path);
    }
  }
  EXPECT_TRUE(refused.count("PUT /api/prompts/{id}"));
  EXPECT_TRUE(refused.count("DELETE /api/jobs/{id}"));
  EXPECT_TRUE(refused.count("POST /api/integrations/{name}/rotate"));
  // Nothing changed, and reads (and the read-like preview) still work for the viewer.
  auto still = As(viewer, "GET", "/api/prompts/" + prompt_id);
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(Json(still).at("version"), 1);
  EXPECT_EQ(As(viewer, "GET", "/api/audit").status, 200);
  EXPECT_EQ(As(viewer, "POST", "/api/stories/preview", R"({"prompt_id":)" + prompt_id + "}").status,
            200);

  auto edited = As(editor, "PUT", "/api/prompts/" + prompt_id, R"({"content":"twice upon"})");
  EXPECT_EQ(edited.status, 200) << edited.body;
}

TEST_F(AdminAccountsTest, ARemovedTokenIsRefusedByTheRunningServer) {
  const std::string token = AddAdmin("temp", "editor");
  ASSERT_TRUE(Accepted(token));
  int status = -1;
  const std::string out = Cli({"remove", "temp"}, status);
  ASSERT_EQ(status, 0) << out;
  const auto removed_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitFor([&] { return As(token, "GET", "/api/me").status == 401; }));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - removed_at)
                      .count();
  std::cout << "[ measured ] a removed token was refused after " << ms << " ms\n";
  auto refused = As(token, "GET", "/api/prompts");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(Get("/api/me").status, 200);  // the bootstrap token is untouched
}

TEST_F(AdminAccountsTest, EveryAdminWriteIsAuditedWithBeforeAfterAndTraceId) {
  const std::string editor = AddAdmin("ed", "editor");
  ASSERT_TRUE(Accepted(editor));
  std::map<std::string, std::string> trace_of;  // action → the response's trace id
  auto expect = [&](const std::string& action, const HttpResult& r, int status) {
    EXPECT_EQ(r.status, status) << action << " " << r.body;
    trace_of[action] = r.Header("x-trace-id");
  };

  auto created = As(editor, "POST", "/api/prompts", R"({"title":"Owls","content":"v1"})");
  expect("prompt.create", created, 201);
  const std::string id = std::to_string(Json(created).at("id").as_int64());
  expect("prompt.update", As(editor, "PUT", "/api/prompts/" + id, R"({"content":"v2"})"), 200);
  expect("prompt.delete", As(editor, "DELETE", "/api/prompts/" + id), 204);
  auto integration = As(editor, "POST", "/api/integrations", R"({"name":"acme"})");
  expect("integration.create", integration, 201);
  const std::string first_secret(Json(integration).at("secret").as_string());
  auto rotated = As(editor, "POST", "/api/integrations/acme/rotate");
  expect("integration.rotate", rotated, 200);
  const std::string second_secret(Json(rotated).at("secret").as_string());
  expect("integration.update",
         As(editor, "PATCH", "/api/integrations/acme", R"({"callback_allowlist":["10.0.0.0/8"]})"),
         200);
  expect("integration.delete", As(editor, "DELETE", "/api/integrations/acme"), 204);

  // Two jobs the Bot API refuses for good: one retried, one discarded.
  api_.Fail("sendMessage", 2, 400, kChatNotFound);
  for (std::int64_t update : {1, 2}) {
    auto r =
        Fetch("POST", Url("/telegram/webhook"),
              {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", kSecret}},
              PrivateMessageUpdate(update, 3000 + update, "a story about owls"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ASSERT_TRUE(WaitFor([&] { return JobsIn("failed") == 2; }, std::chrono::seconds(10)));
  auto failed = Json(Get("/api/jobs?state=failed")).as_array();
  ASSERT_EQ(failed.size(), 2u);
  const std::string job_a = std::to_string(failed[0].at("id").as_int64());
  const std::string job_b = std::to_string(failed[1].at("id").as_int64());
  expect("job.retry", As(editor, "POST", "/api/jobs/" + job_a + "/retry"), 202);
  expect("job.discard", As(editor, "DELETE", "/api/jobs/" + job_b), 204);
  const std::string conversation =
      std::to_string(Json(Get("/api/conversations")).as_array().at(0).at("id").as_int64());
  expect("conversation.reset", As(editor, "POST", "/api/conversations/" + conversation + "/reset"),
         204);
  expect("safety.limits", As(editor, "PUT", "/api/safety/limits", R"({"user_per_hour":5})"), 200);
  expect("safety.blocklist",
         As(editor, "PUT", "/api/safety/blocklist", R"({"words":["dragonfire"]})"), 200);

  // Recorded before the response was sent: no waiting needed.
  for (const auto& [action, trace] : trace_of) {
    const boost::json::object e = AuditFor(action);
    ASSERT_FALSE(e.empty()) << action;
    EXPECT_EQ(e.at("actor"), "ed") << action;
    EXPECT_EQ(e.at("actor_role"), "editor") << action;
    EXPECT_EQ(Str(e.at("trace_id")), trace) << action;
    EXPECT_FALSE(trace.empty());
    EXPECT_FALSE(e.at("at").as_string().empty());
    EXPECT_FALSE(e.at("method").as_string().empty());
    EXPECT_EQ(e.at("route").as_string().rfind("/api/", 0), 0u) << action;
    const std::string text = boost::json::serialize(e);
    EXPECT_EQ(text.find(first_secret), std::string::npos) << action;
    EXPECT_EQ(text.find(second_secret), std::string::npos) << action;
  }
  const auto update = AuditFor("prompt.update");
  EXPECT_EQ(Str(update.at("target")), id);
  EXPECT_EQ(update.at("method"), "PUT");
  EXPECT_EQ(update.at("route"), "/api/prompts/{id}");
  EXPECT_EQ(update.at("before").at("content"), "v1");
  EXPECT_EQ(update.at("after").at("content"), "v2");
  EXPECT_EQ(update.at("after").at("version"), 2);
  EXPECT_TRUE(AuditFor("prompt.create").at("before").is_null());
  EXPECT_EQ(AuditFor("prompt.create").at("after").at("title"), "Owls");
  EXPECT_EQ(AuditFor("prompt.delete").at("before").at("content"), "v2");
  EXPECT_TRUE(AuditFor("prompt.delete").at("after").is_null());
  const auto patch = AuditFor("integration.update");
  EXPECT_TRUE(patch.at("before").at("callback_allowlist").as_array().empty());
  EXPECT_EQ(patch.at("after").at("callback_allowlist").as_array().size(), 1u);
  EXPECT_EQ(AuditFor("integration.delete").at("target"), "acme");
  EXPECT_EQ(Str(AuditFor("job.retry").at("target")), job_a);
  EXPECT_EQ(Str(AuditFor("job.discard").at("target")), job_b);
  EXPECT_EQ(Str(AuditFor("conversation.reset").at("target")), conversation);
  const auto limits = AuditFor("safety.limits");
  EXPECT_EQ(limits.at("before").at("user_per_hour"), 20);
  EXPECT_EQ(limits.at("after").at("user_per_hour"), 5);
  const auto blocklist = AuditFor("safety.blocklist");
  EXPECT_TRUE(blocklist.at("before").at("words").as_array().empty());
  EXPECT_EQ(blocklist.at("after").at("words").as_array().at(0), "dragonfire");

  // Refused and failed writes leave no record; reads leave none either.
  const std::size_t count = Audit("?limit=200").size();
  EXPECT_EQ(count, trace_of.size());
  EXPECT_EQ(As(editor, "PUT", "/api/prompts/999999", R"({"content":"x"})").status, 404);
  EXPECT_EQ(Audit("?limit=200").size(), count);
}

TEST_F(AdminAccountsTest, AuditIsPagedNewestFirstAndFilteredByActor) {
  const std::string viewer = AddAdmin("vera", "viewer");
  const std::string editor = AddAdmin("ed", "editor");
  ASSERT_TRUE(Accepted(editor));
  ASSERT_TRUE(Accepted(viewer));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(As(editor, "POST", "/api/prompts", R"({"content":"by ed"})").status, 201);
    ASSERT_EQ(Post("/api/prompts", R"({"content":"by bootstrap"})").status, 201);
  }
  auto page = As(viewer, "GET", "/api/audit?limit=4");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto entries = Json(page).at("entries").as_array();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_GT(entries[0].at("id").as_int64(), entries[1].at("id").as_int64());
  const auto next = Json(page).at("next_before");
  ASSERT_TRUE(next.is_int64());
  const auto rest =
      Json(Get("/api/audit?limit=4&before=" + std::to_string(next.as_int64()))).at("entries");
  EXPECT_EQ(rest.as_array().size(), 2u);
  EXPECT_TRUE(Json(Get("/api/audit?limit=4&before=" + std::to_string(next.as_int64())))
                  .at("next_before")
                  .is_null());
  const auto eds = Audit("?actor=ed");
  EXPECT_EQ(eds.size(), 3u);
  for (const auto& e : eds) EXPECT_EQ(e.at("actor"), "ed");
  for (const char* bad : {"?limit=0", "?limit=201", "?limit=x", "?before=-1", "?before=abc"}) {
    auto r = Get(std::string("/api/audit") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorCodeOf(r), "invalid_argument") << bad;
  }
}

}  // namespace
}  // namespace storybot::test
