// Checks of an inbound request beyond its body: the callback target at submission and the
// prompt it names (the content type: tests/unit/http/json_body_test.cpp).
#include "channels/webhook/submission_checks.h"

#include <gtest/gtest.h>

#include "core/storage/database.h"
#include "core/storage/sqlite_prompt_store.h"
#include "tests/support/storybot_process.h"

namespace storybot::webhook {
namespace {

TEST(WebhookSubmissionChecksTest, CallbackTargetsDecidableWithoutDnsAreCheckedAtSubmission) {
  Integration open;
  EXPECT_TRUE(CheckCallbackAtSubmission("https://hooks.example/cb", open).ok());  // at send
  const Status loopback = CheckCallbackAtSubmission("http://127.0.0.1:9/cb", open);
  ASSERT_FALSE(loopback.ok());
  EXPECT_EQ(loopback.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(loopback.error().message.starts_with("callback_url: "));
  EXPECT_FALSE(CheckCallbackAtSubmission("http://localhost:9/cb", open).ok());
  EXPECT_FALSE(CheckCallbackAtSubmission("http://api.localhost/cb", open).ok());
  EXPECT_FALSE(CheckCallbackAtSubmission("ftp://hooks.example/cb", open).ok());

  Integration allowed;
  allowed.callback_allowlist = {"127.0.0.1"};
  EXPECT_TRUE(CheckCallbackAtSubmission("http://127.0.0.1:9/cb", allowed).ok());
  EXPECT_TRUE(CheckCallbackAtSubmission("http://localhost:9/cb", allowed).ok());
}

TEST(WebhookSubmissionChecksTest, WithoutAPromptServiceAnyPromptPasses) {
  EXPECT_TRUE(CheckPromptUsable(nullptr, 42).ok());
}

TEST(WebhookSubmissionChecksTest, APromptMustExistAndBeEnabled) {
  test::TempDir dir;
  auto db = Database::Open(dir.File("storybot.db"));
  ASSERT_TRUE(db.ok());
  SqlitePromptStore store(*db.value());
  PromptService prompts(store);
  auto on = prompts.Create({"On", "a tale", true});
  auto off = prompts.Create({"Off", "another", false});
  ASSERT_TRUE(on.ok() && off.ok());
  EXPECT_TRUE(CheckPromptUsable(&prompts, on.value().id).ok());
  const Status disabled = CheckPromptUsable(&prompts, off.value().id);
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(disabled.error().message.find("is disabled"), std::string::npos);
  const Status missing = CheckPromptUsable(&prompts, 999);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace storybot::webhook
