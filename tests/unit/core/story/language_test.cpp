#include <gtest/gtest.h>

#include "core/story/story.h"

namespace storybot {
namespace {

TEST(LanguageTest, CodesAreIsoNames) {
  EXPECT_EQ(LanguageCode(Language::kEnglish), "en");
  EXPECT_EQ(LanguageCode(Language::kChinese), "zh");
}

TEST(LanguageTest, IdeographsMeanChinese) {
  EXPECT_EQ(DetectLanguage("讲一个关于月亮的故事", ""), Language::kChinese);
  EXPECT_EQ(DetectLanguage("讲一个关于月亮的故事", "en-US"), Language::kChinese);
  EXPECT_EQ(DetectLanguage("a story about 龙", "en"), Language::kChinese);
  EXPECT_EQ(DetectLanguage("\xe3\x90\x80", ""), Language::kChinese);  // U+3400, extension A
}

TEST(LanguageTest, CjkPunctuationAloneIsNotChinese) {
  EXPECT_EQ(DetectLanguage("\xe3\x80\x82\xef\xbc\x81", ""), Language::kEnglish);  // "。！"
  EXPECT_EQ(DetectLanguage("hello\xef\xbc\x81", ""), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("\xe6\x9c\x88\xef\xbc\x81", ""), Language::kChinese);  // "月！"
}

TEST(LanguageTest, HintDecidesWhenTextHasNoLetters) {
  EXPECT_EQ(DetectLanguage("", "zh-hans"), Language::kChinese);
  EXPECT_EQ(DetectLanguage("", "ZH"), Language::kChinese);
  EXPECT_EQ(DetectLanguage("123 😀", "zh_CN"), Language::kChinese);
  EXPECT_EQ(DetectLanguage("", "en"), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("", ""), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("", "z"), Language::kEnglish);
}

TEST(LanguageTest, EnglishTextWinsOverChineseClient) {
  EXPECT_EQ(DetectLanguage("a story about dragons", "zh-hans"), Language::kEnglish);
}

TEST(LanguageTest, SurvivesInvalidUtf8) {
  EXPECT_EQ(DetectLanguage("\xff\xfe\xe4\xb8", ""), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("\xff\xe6\x9c\x88", ""), Language::kChinese);
}

}  // namespace
}  // namespace storybot
