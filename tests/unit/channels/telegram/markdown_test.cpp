#include "channels/telegram/markdown.h"

#include <gtest/gtest.h>

namespace storybot::telegram {
namespace {

TEST(TelegramMarkdownTest, EscapesEverySpecialCharacter) {
  EXPECT_EQ(EscapeMarkdownV2("_*[]()~`>#+-=|{}.!\\"),
            "\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\");
}

TEST(TelegramMarkdownTest, LeavesTextAndChineseAlone) {
  EXPECT_EQ(EscapeMarkdownV2("Once upon a time"), "Once upon a time");
  EXPECT_EQ(EscapeMarkdownV2("小明说：“你好！”"), "小明说：“你好！”");  // fullwidth: not special
  EXPECT_EQ(EscapeMarkdownV2("The end. 😀"), "The end\\. 😀");
}

}  // namespace
}  // namespace storybot::telegram
