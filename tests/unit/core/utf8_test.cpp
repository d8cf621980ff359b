#include "core/utf8.h"

#include <gtest/gtest.h>

namespace storybot::utf8 {
namespace {

TEST(Utf8Test, ValidatesWellFormedText) {
  EXPECT_TRUE(IsValid("plain ascii"));
  EXPECT_TRUE(IsValid("中文 and emoji 😀"));
  EXPECT_TRUE(IsValid(""));
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValid("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(IsValid("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValid("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsValid("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValid("\xE4\xB8"));          // truncated
  EXPECT_FALSE(IsValid("\xFF"));
}

TEST(Utf8Test, CountsCodePoints) {
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("中文"), 2u);
  EXPECT_EQ(CodePointCount("😀"), 1u);
}

TEST(Utf8Test, SanitizeReplacesEachBadByte) {
  EXPECT_EQ(Sanitize("a\xFF"
                     "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(Sanitize("中文"), "中文");
}

}  // namespace
}  // namespace storybot::utf8
