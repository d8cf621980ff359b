#include "core/admin/admin_accounts.h"

#include <gtest/gtest.h>

#include <set>

namespace storybot {
namespace {

TEST(AdminAccountsTest, TokensAreLongRandomBase64UrlWithAPrefix) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = NewAdminToken();
    ASSERT_EQ(token.rfind("sbadm_", 0), 0u) << token;
    EXPECT_EQ(token.size(), 6u + 43u);  // 32 bytes, unpadded base64url
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6),
              std::string::npos)
        << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AdminAccountsTest, HashIsHexSha256) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(HashAdminToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashAdminToken("sbadm_a"), HashAdminToken("sbadm_b"));
}

TEST(AdminAccountsTest, NamesAreShortAndPlain) {
  for (const char* good : {"alice", "ops-team", "a.b_c", "7", "x23456789012345678901234567890"}) {
    EXPECT_TRUE(ValidateAdminName(good).ok()) << good;
  }
  EXPECT_TRUE(ValidateAdminName(std::string(64, 'a')).ok());
  for (const std::string& bad :
       {std::string(), std::string(65, 'a'), std::string("Alice"), std::string("-lead"),
        std::string("a b"), std::string("é"), std::string("a/b"), std::string("bootstrap")}) {
    const Status s = ValidateAdminName(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(AdminAccountsTest, RolesRoundTrip) {
  EXPECT_EQ(ParseAdminRole("editor"), AdminRole::kEditor);
  EXPECT_EQ(ParseAdminRole("viewer"), AdminRole::kViewer);
  EXPECT_FALSE(ParseAdminRole("Editor"));
  EXPECT_FALSE(ParseAdminRole("admin"));
  EXPECT_STREQ(AdminRoleName(AdminRole::kEditor), "editor");
  EXPECT_STREQ(AdminRoleName(AdminRole::kViewer), "viewer");
}

}  // namespace
}  // namespace storybot
