#include <gtest/gtest.h>

#include <string_view>

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

// The rule in README "What chat users can do", case by case.
TEST(LanguageTest, TheRuleTable) {
  struct Row {
    std::string_view text, hint, explicit_choice;
    Language want;
    std::string_view why;
  };
  const Row rows[] = {
      {"a story about a turtle", "zh", "zh", Language::kChinese, "an explicit choice wins"},
      {"讲一个关于月亮的故事", "zh", "en-US", Language::kEnglish, "an explicit choice wins"},
      {"", "", "zh-CN", Language::kChinese, "explicit, nothing else"},
      {"a story about a turtle", "zh", "klingon", Language::kEnglish, "unknown choice: the text"},
      {"讲一个关于月亮的故事", "en", "", Language::kChinese, "ideographs win over the client"},
      {"a story about a turtle", "zh-hans", "", Language::kEnglish,
       "a Chinese client writing an English phrase gets English"},
      {"a turtle", "zh", "", Language::kEnglish, "a little English word makes a phrase"},
      {"brave space pirates", "zh", "", Language::kEnglish, "three words make a phrase"},
      {"Elsa", "zh", "", Language::kChinese, "a lone name follows the client"},
      {"dragons", "zh-hans", "", Language::kChinese, "a lone word follows the client"},
      {"Peppa Pig", "zh", "", Language::kChinese, "two words, no English little word"},
      {"dragons", "en", "", Language::kEnglish, "a lone word, English client"},
      {"", "zh", "", Language::kChinese, "/start, /help, bare /story: the client"},
      {"123 😀", "", "", Language::kEnglish, "no signal at all: English"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(DetectLanguage(row.text, row.hint, row.explicit_choice), row.want)
        << row.text << " / " << row.hint << " / " << row.explicit_choice << ": " << row.why;
  }
}

TEST(LanguageTest, CodesNameLanguages) {
  EXPECT_EQ(LanguageFromCode("zh"), Language::kChinese);
  EXPECT_EQ(LanguageFromCode("ZH_tw"), Language::kChinese);
  EXPECT_EQ(LanguageFromCode("en-GB"), Language::kEnglish);
  EXPECT_EQ(LanguageFromCode("english"), std::nullopt);
  EXPECT_EQ(LanguageFromCode("z"), std::nullopt);
  EXPECT_EQ(LanguageFromCode(""), std::nullopt);
}

TEST(LanguageTest, SurvivesInvalidUtf8) {
  EXPECT_EQ(DetectLanguage("\xff\xfe\xe4\xb8", ""), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("\xff\xe6\x9c\x88", ""), Language::kChinese);
}

}  // namespace
}  // namespace storybot
