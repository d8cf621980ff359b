#include "http/router.h"

#include <gtest/gtest.h>

namespace storybot::http {
namespace {

Router MakeRouter() {
  Router r;
  const Handler noop = [](const ExchangePtr&) {};
  r.Add("GET", "/api/prompts", Auth::kAdmin, noop);
  r.Add("POST", "/api/prompts", Auth::kAdmin, noop);
  r.Add("GET", "/api/prompts/{id}", Auth::kAdmin, noop);
  r.Add("PUT", "/api/prompts/{id}", Auth::kAdmin, noop);
  r.Add("GET", "/api/prompts/{id}/versions", Auth::kAdmin, noop);
  r.Add("GET", "/admin/{path*}", Auth::kNone, noop);
  return r;
}

TEST(RouterTest, MatchesLiteralAndParameterisedPaths) {
  Router r = MakeRouter();
  auto list = r.Find("GET", "/api/prompts");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->pattern, "/api/prompts");
  auto one = r.Find("PUT", "/api/prompts/42");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.route->pattern, "/api/prompts/{id}");
  EXPECT_EQ(one.params.at("id"), "42");
  auto versions = r.Find("GET", "/api/prompts/7/versions");
  ASSERT_NE(versions.route, nullptr);
  EXPECT_EQ(versions.params.at("id"), "7");
}

TEST(RouterTest, DecodesParameters) {
  Router r = MakeRouter();
  auto m = r.Find("GET", "/api/prompts/a%20b");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "a b");
}

TEST(RouterTest, UnknownPathIsNotFound) {
  Router r = MakeRouter();
  for (const char* path : {"/nope", "/api/prompts/1/2", "/api/prompts/", "/api", "", "api"}) {
    auto m = r.Find("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(RouterTest, WrongMethodListsTheAllowedOnes) {
  Router r = MakeRouter();
  auto m = r.Find("DELETE", "/api/prompts");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST", "HEAD"}));
}

TEST(RouterTest, HeadMatchesGet) {
  Router r = MakeRouter();
  auto m = r.Find("HEAD", "/api/prompts/1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "GET");
}

TEST(RouterTest, TailParameterTakesTheRest) {
  Router r = MakeRouter();
  auto m = r.Find("GET", "/admin/assets/index-abc.js");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("path"), "assets/index-abc.js");
  auto root = r.Find("GET", "/admin/");
  ASSERT_NE(root.route, nullptr);
  EXPECT_EQ(root.params.at("path"), "");
}

}  // namespace
}  // namespace storybot::http
