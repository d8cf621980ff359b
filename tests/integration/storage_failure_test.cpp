// Storage failures with a real full filesystem: the data dir is a small tmpfs that the test
// mounts (as root) and fills until writes fail with ENOSPC ("database or disk is full"). A job
// whose outcome cannot be saved is held and its write retried: the reply goes out exactly once,
// through a graceful restart, once there is space again. Without root or mount permission the
// tests skip (the injected-failure tests in tests/unit/core/jobs/ cover the same logic).
#include <sys/mount.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/fixture.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/fake_telegram_api.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "webhook-secret_123";

std::string Update(std::int64_t id, std::int64_t chat, const std::string& text) {
  return PrivateMessageUpdate(id, chat, text);
}

// A tmpfs mounted at `dir` for the test's lifetime, and a filler file that takes all its space.
class SmallDisk {
 public:
  explicit SmallDisk(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    if (geteuid() != 0) {
      reason_ = "needs root to mount a tmpfs (running as uid " + std::to_string(geteuid()) + ")";
      return;
    }
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=2m,mode=0700") != 0) {
      reason_ = std::string("mount -t tmpfs is not permitted here: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~SmallDisk() {
    Free();
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& reason() const { return reason_; }

  // Writes until the filesystem refuses (ENOSPC): every later append fails.
  void Fill() {
    std::FILE* f = std::fopen(Filler().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::setvbuf(f, nullptr, _IONBF, 0);
    const std::string block(4096, 'x');
    for (std::size_t chunk : {std::size_t{65536}, std::size_t{4096}, std::size_t{512}}) {
      const std::string data = chunk == 512 ? block.substr(0, 512) : std::string(chunk, 'x');
      for (int i = 0; i < 100000 && std::fwrite(data.data(), 1, data.size(), f) == data.size();
           ++i) {
      }
    }
    std::fclose(f);
    const auto space = std::filesystem::space(dir_);
    ASSERT_LT(space.available, 4096u) << "the disk is not full";
  }
  void Free() {
    std::error_code ec;
    std::filesystem::remove(Filler(), ec);
  }

 private:
  std::string Filler() const { return dir_ + "/filler"; }
  std::string dir_;
  std::string reason_;
  bool mounted_ = false;
};

class StorageFailureTest : public StorybotTest {
 protected:
  void SetUp() override {
    disk_ = std::make_unique<SmallDisk>(dir_.path() + "/data");
    if (!disk_->mounted()) GTEST_SKIP() << disk_->reason();
    llm_.On("POST", "/v1/chat/completions", [this](const http::ExchangePtr& ex) {
      std::lock_guard lock(mutex_);
      held_llm_.push_back(ex);  // answered by AnswerLlm()
    });
  }
  void TearDown() override {
    AnswerLlm();
    if (process_) process_->Stop(SIGKILL, 5);
    process_.reset();
    disk_.reset();
  }
  void Start(bool with_llm = false) {
    std::map<std::string, std::string> env{{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                                           {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                                           {"STORYBOT_TELEGRAM_API_URL", api_.base_url()}};
    if (with_llm) {
      env["STORYBOT_LLM_BASE_URL"] = llm_.base_url() + "/v1";
      env["STORYBOT_LLM_API_KEY"] = "sk-test";
      env["STORYBOT_LLM_MODEL"] = "story-model";
    }
    StartStorybot(env);
  }
  HttpResult Deliver(const std::string& body, const std::string& trace_id = "") {
    HeaderList headers{{"Content-Type", "application/json"},
                       {"X-Telegram-Bot-Api-Secret-Token", kSecret}};
    if (!trace_id.empty()) headers.emplace_back("X-Trace-Id", trace_id);
    return Fetch("POST", Url("/telegram/webhook"), headers, body);
  }
  void AnswerLlm() {
    std::vector<http::ExchangePtr> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_llm_);
    }
    for (const auto& ex : held) {
      ex->Reply(http::JsonResponse(
          200,
          R"({"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Once upon a time the owls waited for the disk."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}})"));
    }
  }
  // A sample's value in /metrics, or -1.
  double Metric(const std::string& sample) {
    const std::string text = Fetch("GET", Url("/metrics")).body;
    const auto at = text.find("\n" + sample + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + sample.size() + 2));
  }
  template <class Predicate>
  static bool Within(std::chrono::seconds limit, Predicate done) {
    return WaitFor(done, limit, std::chrono::milliseconds(50));
  }
  std::int64_t Jobs(const char* state) {
    return Json(Get("/api/stats")).at("jobs").at(state).as_int64();
  }
  std::string LogText() {
    std::ifstream log(dir_.path() + "/logs/storybot.ndjson");
    return std::string((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  }

  std::unique_ptr<SmallDisk> disk_;
  FakeTelegramApi api_;
  FakeHttpServer llm_;
  std::mutex mutex_;
  std::vector<http::ExchangePtr> held_llm_;
};

TEST_F(StorageFailureTest, ASentReplyThatCouldNotBeMarkedSentIsNotSentAgainAfterARestart) {
  Start();
  api_.HoldNextSend();  // Telegram takes the reply; its answer is held while the disk fills
  ASSERT_EQ(Deliver(Update(1, 1201, "a story about owls")).status, 200);
  ASSERT_TRUE(Within(std::chrono::seconds(20), [&] { return api_.sent().size() == 1; }));
  disk_->Fill();
  api_.ReleaseHeld();
  ASSERT_TRUE(Within(std::chrono::seconds(20), [&] {
    return Metric(R"(storybot_storage_errors_total{operation="finish"})") >= 1;
  }));
  EXPECT_EQ(Jobs("pending"), 1);  // held, not forgotten
  EXPECT_TRUE(Within(std::chrono::seconds(5), [&] { return Metric("storybot_jobs_held") == 1; }));

  disk_->Free();  // space returns; then a plain graceful restart
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  Start();
  // Nothing pending after the restart, so nothing can be sent again.
  EXPECT_EQ(Jobs("pending"), 0);
  EXPECT_EQ(Jobs("done"), 1);
  EXPECT_EQ(api_.SentTo("1201").size(), 1u);
  const std::string log = LogText();
  EXPECT_NE(log.find("storage failed; job held"), std::string::npos);
  EXPECT_NE(log.find("database or disk is full"), std::string::npos);
}

TEST_F(StorageFailureTest, AReplyThatCouldNotBeSavedIsNeverDeadLetteredAndGoesOutOnce) {
  Start(/*with_llm=*/true);
  ASSERT_EQ(Deliver(Update(1, 1202, "a story about owls")).status, 200);  // acknowledged
  ASSERT_TRUE(Within(std::chrono::seconds(20), [&] {
    std::lock_guard lock(mutex_);
    return held_llm_.size() == 1;
  }));
  disk_->Fill();
  AnswerLlm();  // the story is written; saving it fails
  // More store tries than the 5 send attempts that dead-lettered it before (about 16 s).
  ASSERT_TRUE(Within(std::chrono::seconds(40), [&] {
    return Metric(R"(storybot_storage_errors_total{operation="save_reply"})") >= 6;
  }));
  EXPECT_EQ(Jobs("dead"), 0);
  EXPECT_EQ(Jobs("pending"), 1);
  EXPECT_EQ(Metric("storybot_jobs_dead_total"), 0);
  EXPECT_TRUE(api_.SentTo("1202").empty());

  disk_->Free();
  ASSERT_EQ(process_->Stop(SIGTERM), 0);  // the stop saves the held reply (there is room now)
  Start(/*with_llm=*/true);
  ASSERT_TRUE(api_.WaitForSent(1));
  ASSERT_TRUE(Within(std::chrono::seconds(10), [&] { return Jobs("done") == 1; }));
  EXPECT_EQ(Jobs("pending"), 0);  // finished: no second send can follow
  const auto sent = api_.SentTo("1202");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("the owls waited for the disk"), std::string::npos) << sent[0].text;
  EXPECT_EQ(llm_.request_count(), 1u);  // the same story, written once
  EXPECT_EQ(Jobs("dead"), 0);
}

// The log line of a 503 caused by the disk names the cause, with the request's trace id.
bool LogHasCause(const std::string& log, const std::string& trace_id) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) continue;
    const auto& o = value.as_object();
    const auto* trace = o.if_contains("trace.id");
    const auto* cause = o.if_contains("error.message");
    if (trace != nullptr && cause != nullptr && trace->as_string() == trace_id &&
        std::string_view(cause->as_string()).find("database or disk is full") !=
            std::string_view::npos) {
      return true;
    }
  }
  return false;
}

TEST_F(StorageFailureTest, A503FromAFullDiskLogsItsCauseWithTheTraceId) {
  Start();
  disk_->Fill();
  const auto delivery = Deliver(Update(1, 1203, "owls"), "diskfull-delivery-1");
  EXPECT_EQ(delivery.status, 503) << delivery.body;
  EXPECT_EQ(delivery.body.find("disk is full"), std::string::npos);  // no internals in the body
  HeaderList headers = AdminJson();
  headers.emplace_back("X-Trace-Id", "diskfull-admin-1");
  const auto write =
      Fetch("POST", Url("/api/prompts"), headers, R"({"title": "t", "content": "a story"})");
  EXPECT_EQ(write.status, 503) << write.body;
  EXPECT_GE(Metric(R"(storybot_storage_errors_total{operation="enqueue"})"), 1);
  disk_->Free();
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  const std::string log = LogText();
  EXPECT_TRUE(LogHasCause(log, "diskfull-delivery-1")) << log;
  EXPECT_TRUE(LogHasCause(log, "diskfull-admin-1"));
}

}  // namespace
}  // namespace storybot::test
