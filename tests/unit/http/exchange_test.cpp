#include "http/exchange.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace storybot::http {
namespace {

TEST(ErrorMappingTest, CoreErrorsMapToStatuses) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
}

TEST(ErrorMappingTest, BodyHasTheContractShape) {
  Response r = ErrorResponse(NotFound("prompt 42 does not exist"), "t1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(body.at("error").at("message").as_string(), "prompt 42 does not exist");
  EXPECT_EQ(body.at("trace_id").as_string(), "t1");
}

TEST(ErrorMappingTest, ServerErrorsHideInternals) {
  Response r = ErrorResponse(Internal("sqlite3: disk I/O error at /var/lib/x"), "t");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
}

TEST(ExchangeTest, RepliesOnceAndRunsHooksNewestFirst) {
  std::vector<Response> sent;
  auto ex = std::make_shared<Exchange>(Request{}, [&sent](Response r) { sent.push_back(r); });
  std::string order;
  ex->OnReply([&order](Response& r) {
    order += "outer";
    r.Set("X-Seen", r.Header("X-Inner").empty() ? "no" : "yes");
  });
  ex->OnReply([&order](Response& r) {
    order += "inner,";
    r.Set("X-Inner", "1");
  });
  ex->Reply(JsonResponse(200, "{}"));
  ex->Reply(JsonResponse(500, "{}"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 200);
  EXPECT_EQ(order, "inner,outer");
  EXPECT_EQ(sent[0].Header("x-seen"), "yes");
}

TEST(RequestTest, QueryParametersAreDecoded) {
  Request r;
  r.query = "limit=5&channel=tele%20gram&q=a+b&flag";
  EXPECT_EQ(r.QueryParam("limit"), "5");
  EXPECT_EQ(r.QueryParam("channel"), "tele gram");
  EXPECT_EQ(r.QueryParam("q"), "a b");
  EXPECT_EQ(r.QueryParam("flag"), "");
  EXPECT_EQ(r.QueryParam("missing"), "");
}

}  // namespace
}  // namespace storybot::http
