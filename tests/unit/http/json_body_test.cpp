// The JSON content type every handler that reads a body checks (http/json_body.h).
#include "http/json_body.h"

#include <gtest/gtest.h>

namespace storybot::http {
namespace {

TEST(JsonBodyTest, JsonContentTypesInAnyCase) {
  EXPECT_TRUE(IsJsonContentType("application/json"));
  EXPECT_TRUE(IsJsonContentType("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(IsJsonContentType("text/plain"));
  EXPECT_FALSE(IsJsonContentType(""));
  EXPECT_FALSE(IsJsonContentType("application/json-patch+json"));
}

}  // namespace
}  // namespace storybot::http
