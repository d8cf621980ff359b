// GET /webhooks/{integration}/jobs/{id}: ids from the path, the states an integration sees, the
// callback's delivery state, and 404 for another integration's job.
#include "channels/webhook/job_status.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "tests/unit/channels/webhook/fake_integration_store.h"

namespace storybot::webhook {
namespace {

WebhookJob Job(std::string state) {
  WebhookJob job;
  job.id = 12;
  job.delivery_key = "acme:m1";
  job.chat_id = "acme:u1";
  job.state = std::move(state);
  job.created_at = "2026-12-01T10:00:00.000Z";
  job.updated_at = "2026-12-01T10:00:05.000Z";
  return job;
}

TEST(WebhookJobStatusTest, JobIdsArePositiveDecimals) {
  EXPECT_EQ(ParseJobId("12"), 12);
  EXPECT_EQ(ParseJobId("0"), std::nullopt);
  EXPECT_EQ(ParseJobId("-3"), std::nullopt);
  EXPECT_EQ(ParseJobId("12a"), std::nullopt);
  EXPECT_EQ(ParseJobId(""), std::nullopt);
  EXPECT_EQ(ParseJobId("99999999999999999999"), std::nullopt);
}

TEST(WebhookJobStatusTest, StatesMapToPendingDoneFailed) {
  EXPECT_EQ(JobStatusObject(Job("pending")).at("status").as_string(), "pending");
  EXPECT_EQ(JobStatusObject(Job("done")).at("status").as_string(), "done");
  EXPECT_EQ(JobStatusObject(Job("dead")).at("status").as_string(), "failed");
  EXPECT_EQ(JobStatusObject(Job("failed")).at("status").as_string(), "failed");
}

TEST(WebhookJobStatusTest, ThePendingJobHasNoStoryAndNoCallback) {
  const auto o = JobStatusObject(Job("pending"));
  EXPECT_EQ(o.at("job_id").as_int64(), 12);
  EXPECT_TRUE(o.at("story").is_null());
  EXPECT_EQ(o.at("created_at").as_string(), "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(o.at("updated_at").as_string(), "2026-12-01T10:00:05.000Z");
  EXPECT_FALSE(o.contains("callback"));
}

TEST(WebhookJobStatusTest, ADoneJobShowsItsStoryAndItsCallback) {
  WebhookJob job = Job("done");
  job.reply = "Once upon a time";
  CallbackRecord c;
  c.state = "pending";
  c.attempts = 2;
  c.message_id = "msg_1";
  c.last_status = 503;
  c.last_error = "HTTP 503";
  c.next_attempt_at = 1764583200;  // 2025-12-01T10:00:00Z
  job.callback = c;
  const auto o = JobStatusObject(job);
  EXPECT_EQ(o.at("story").as_string(), "Once upon a time");
  const auto& cb = o.at("callback").as_object();
  EXPECT_EQ(cb.at("state").as_string(), "pending");
  EXPECT_EQ(cb.at("attempts").as_int64(), 2);
  EXPECT_EQ(cb.at("webhook_id").as_string(), "msg_1");
  EXPECT_EQ(cb.at("last_status").as_int64(), 503);
  EXPECT_EQ(cb.at("last_error").as_string(), "HTTP 503");
  EXPECT_EQ(cb.at("next_attempt_at").as_string(), "2025-12-01T10:00:00.000Z");
}

TEST(WebhookJobStatusTest, AnEndedCallbackHasNoNextAttemptAndNullsForNothing) {
  WebhookJob job = Job("done");
  CallbackRecord c;
  c.state = "delivered";
  c.attempts = 1;
  job.callback = c;
  const auto o = JobStatusObject(job);
  const auto& cb = o.at("callback").as_object();
  EXPECT_TRUE(cb.at("last_status").is_null());
  EXPECT_TRUE(cb.at("last_error").is_null());
  EXPECT_FALSE(cb.contains("next_attempt_at"));
}

// Serves the path's id for `integration` and returns the response.
http::Response Serve(test::FakeIntegrationStore& store, const std::string& integration,
                     const std::string& id) {
  std::promise<http::Response> answered;
  auto ex = std::make_shared<http::Exchange>(
      http::Request{}, [&answered](http::Response r) { answered.set_value(std::move(r)); });
  ex->params["integration"] = integration;
  ex->params["id"] = id;
  WorkPool pool(1);
  Integration who;
  who.name = integration;
  ServeJobStatus(ex, who, store, pool);
  auto future = answered.get_future();
  EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  return future.get();
}

TEST(WebhookJobStatusTest, AnIntegrationSeesOnlyItsOwnJobs) {
  test::FakeIntegrationStore store;
  store.jobs["acme:m1"] = Job("done");
  EXPECT_EQ(Serve(store, "acme", "12").status, 200);
  EXPECT_EQ(Serve(store, "other", "12").status, 404);
  EXPECT_EQ(Serve(store, "acme", "13").status, 404);
  EXPECT_EQ(Serve(store, "acme", "x").status, 404);
  store.read_result = Unavailable("database is locked");
  EXPECT_EQ(Serve(store, "acme", "12").status, 503);
}

}  // namespace
}  // namespace storybot::webhook
