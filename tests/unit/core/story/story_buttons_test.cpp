#include "core/story/story_buttons.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

TEST(StoryButtonsTest, EveryActionSurvivesTheRoundTrip) {
  for (ButtonAction a : {ButtonAction::kContinue, ButtonAction::kNewStory, ButtonAction::kLike,
                         ButtonAction::kDislike}) {
    const auto press = DecodeButton(EncodeButton(a, 9007199254740993));
    ASSERT_TRUE(press.has_value()) << ButtonActionName(a);
    EXPECT_EQ(press->action, a);
    EXPECT_EQ(press->story_id, 9007199254740993);
  }
  EXPECT_EQ(EncodeButton(ButtonAction::kContinue, 42), "sb1:c:42");
}

TEST(StoryButtonsTest, TheLongestFormFitsTelegramsCallbackData) {
  EXPECT_LE(EncodeButton(ButtonAction::kDislike, 999999999999999999).size(), 64u);
}

TEST(StoryButtonsTest, DataThatIsNotOursIsRefused) {
  for (std::string_view data : {"", "sb1:", "sb1:c", "sb1:c:", "sb1:x:1", "sb2:c:1", "sb1:c:0",
                                "sb1:c:-3", "sb1:c:12a", "sb1:c:1:2", "sb1:up:99999999999999999999",
                                "like", "SB1:c:1"}) {
    EXPECT_FALSE(DecodeButton(data).has_value()) << data;
  }
}

TEST(StoryButtonsTest, LabelsFollowTheReadersLanguage) {
  const auto en = StoryButtons(Language::kEnglish);
  const auto zh = StoryButtons(Language::kChinese);
  ASSERT_EQ(en.size(), 4u);
  ASSERT_EQ(zh.size(), 4u);
  EXPECT_EQ(en[0].action, ButtonAction::kContinue);
  EXPECT_EQ(en[0].label, "Continue ▶");
  EXPECT_EQ(zh[0].label, "继续 ▶");
  EXPECT_EQ(en[1].label, "New story ✨");
  EXPECT_EQ(zh[1].label, "新故事 ✨");
  EXPECT_EQ(en[2].label, "👍");
  EXPECT_EQ(en[3].action, ButtonAction::kDislike);
}

}  // namespace
}  // namespace storybot
