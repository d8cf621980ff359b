// The jobs admin API through the real binary: a Telegram reply the fake Bot API refuses for good
// (400 chat not found) is listed as failed, retried once the API is fixed and answered exactly
// once; another is discarded and leaves the list.
#include <boost/json.hpp>

#include "tests/integration/fixture.h"
#include "tests/support/fake_telegram_api.h"

namespace storybot::test {
namespace {

constexpr const char* kSecret = "webhook-secret_123";
constexpr const char* kChatNotFound =
    R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})";

std::string Update(std::int64_t id, std::int64_t chat, const std::string& text) {
  return PrivateMessageUpdate(id, chat, text);
}

class JobsApiTest : public StorybotTest {
 protected:
  void SetUp() override {
    StartStorybot({{"STORYBOT_TELEGRAM_BOT_TOKEN", FakeTelegramApi::kToken},
                   {"STORYBOT_TELEGRAM_WEBHOOK_SECRET", kSecret},
                   {"STORYBOT_TELEGRAM_API_URL", api_.base_url()}});
  }
  void Deliver(std::int64_t update, std::int64_t chat, const std::string& text) {
    auto r =
        Fetch("POST", Url("/telegram/webhook"),
              {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", kSecret}},
              Update(update, chat, text));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  boost::json::array Jobs(const std::string& query = "") {
    auto r = Get("/api/jobs" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Json(r).as_array() : boost::json::array{};
  }
  // A job the channel refused for good, as listed (waits, bounded, for the refusal).
  boost::json::object FailedJob(std::int64_t update, std::int64_t chat) {
    api_.Fail("sendMessage", 1, 400, kChatNotFound);
    Deliver(update, chat, "a story about owls");
    EXPECT_TRUE(WaitFor([&] { return JobsIn("failed") == 1; }, std::chrono::seconds(10)));
    auto failed = Jobs("?state=failed");
    EXPECT_EQ(failed.size(), 1u);
    return failed.empty() ? boost::json::object{} : failed[0].as_object();
  }
  HttpResult Retry(std::int64_t id) {
    return Fetch("POST", Url("/api/jobs/" + std::to_string(id) + "/retry"), Admin());
  }
  HttpResult Discard(std::int64_t id) {
    return Fetch("DELETE", Url("/api/jobs/" + std::to_string(id)), Admin());
  }
  FakeTelegramApi api_;
};

TEST_F(JobsApiTest, ARefusedReplyIsListedRetriedAndAnsweredExactlyOnce) {
  const boost::json::object job = FailedJob(1, 1001);
  EXPECT_EQ(job.at("channel").as_string(), "telegram");
  EXPECT_EQ(job.at("chat_id").as_string(), "1001");
  EXPECT_EQ(job.at("state").as_string(), "failed");
  EXPECT_EQ(job.at("attempts").as_int64(), 0);
  EXPECT_NE(std::string(job.at("last_error").as_string()).find("chat not found"),
            std::string::npos);
  EXPECT_FALSE(job.at("trace_id").as_string().empty());
  EXPECT_FALSE(job.at("created_at").as_string().empty());
  EXPECT_FALSE(job.at("updated_at").as_string().empty());
  EXPECT_TRUE(api_.SentTo("1001").empty());
  const std::int64_t id = job.at("id").as_int64();

  // The fake API answers normally again (its scripted failure is used up).
  auto retried = Retry(id);
  ASSERT_EQ(retried.status, 202) << retried.body;
  EXPECT_EQ(Json(retried).at("id").as_int64(), id);
  ASSERT_TRUE(api_.WaitForSent(1));
  ASSERT_TRUE(WaitFor([&] { return JobsIn("pending") == 0 && JobsIn("done") == 1; }));
  const auto sent = api_.SentTo("1001");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("owls"), std::string::npos) << sent[0].text;
  EXPECT_TRUE(Jobs().empty());
  EXPECT_EQ(api_.calls("sendMessage"), 2);  // the refused one and the answer, nothing more

  // Done now: not retried again.
  auto again = Retry(id);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(ErrorCodeOf(again), "conflict");
  EXPECT_EQ(Discard(id).status, 409);
}

TEST_F(JobsApiTest, ADiscardedJobLeavesTheListAndIsGone) {
  const std::int64_t id = FailedJob(1, 2002).at("id").as_int64();
  auto discarded = Discard(id);
  EXPECT_EQ(discarded.status, 204) << discarded.body;
  EXPECT_TRUE(discarded.body.empty());
  EXPECT_TRUE(Jobs().empty());
  EXPECT_EQ(JobsIn("failed"), 0);
  EXPECT_EQ(Discard(id).status, 404);
  auto retry = Retry(id);
  EXPECT_EQ(retry.status, 404);
  EXPECT_EQ(ErrorCodeOf(retry), "not_found");
  // A redelivery of the discarded update is a duplicate: nothing is sent.
  Deliver(1, 2002, "a story about owls");
  EXPECT_TRUE(Jobs().empty());
  EXPECT_TRUE(api_.SentTo("2002").empty());
}

TEST_F(JobsApiTest, BadInputUnknownIdsAndMissingAuth) {
  auto state = Get("/api/jobs?state=sleeping");
  EXPECT_EQ(state.status, 400);
  EXPECT_EQ(ErrorCodeOf(state), "invalid_argument");
  EXPECT_NE(ErrorMessageOf(state).find("state"), std::string::npos) << state.body;
  EXPECT_NE(ErrorMessageOf(state).find("dead"), std::string::npos) << state.body;
  for (const char* limit : {"0", "501", "ten"}) {
    auto r = Get(std::string("/api/jobs?limit=") + limit);
    EXPECT_EQ(r.status, 400) << limit;
    EXPECT_NE(ErrorMessageOf(r).find("limit"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Get("/api/jobs?limit=500&state=dead").status, 200);
  EXPECT_EQ(Retry(12345).status, 404);
  EXPECT_EQ(Discard(12345).status, 404);
  EXPECT_EQ(Fetch("POST", Url("/api/jobs/abc/retry"), Admin()).status, 404);
  EXPECT_EQ(Fetch("GET", Url("/api/jobs")).status, 401);
  EXPECT_EQ(Fetch("POST", Url("/api/jobs/1/retry")).status, 401);
  EXPECT_EQ(Fetch("DELETE", Url("/api/jobs/1")).status, 401);
}

TEST_F(JobsApiTest, WaitingJobsCannotBeRetriedOrDiscarded) {
  api_.HoldNextSend();  // the send stalls: the job stays pending
  Deliver(1, 3003, "a story about bees");
  ASSERT_TRUE(api_.WaitForSent(1));
  const auto waiting = Jobs("?state=waiting");
  ASSERT_EQ(waiting.size(), 1u);
  const std::int64_t id = waiting[0].at("id").as_int64();
  EXPECT_EQ(Retry(id).status, 409);
  EXPECT_EQ(Discard(id).status, 409);
  api_.ReleaseHeld();
  EXPECT_TRUE(WaitFor([&] { return JobsIn("pending") == 0; }));
  EXPECT_EQ(api_.SentTo("3003").size(), 1u);
}

}  // namespace
}  // namespace storybot::test
