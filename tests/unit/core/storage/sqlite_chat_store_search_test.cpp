#include <gtest/gtest.h>

#include "core/storage/sqlite_chat_store.h"

namespace storybot {
namespace {

TEST(LikeContainsTest, WrapsTheTextInWildcards) { EXPECT_EQ(LikeContains("owl"), "%owl%"); }

TEST(LikeContainsTest, EscapesTheWildcardsAndTheEscapeCharacter) {
  EXPECT_EQ(LikeContains("50%"), "%50\\%%");
  EXPECT_EQ(LikeContains("a_b"), "%a\\_b%");
  EXPECT_EQ(LikeContains("c:\\x"), "%c:\\\\x%");
}

TEST(LikeContainsTest, LeavesOtherTextAlone) {
  EXPECT_EQ(LikeContains("小猫 'quoted'"), "%小猫 'quoted'%");
  EXPECT_EQ(LikeContains(""), "%%");
}

}  // namespace
}  // namespace storybot
