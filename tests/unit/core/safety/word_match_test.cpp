// Word matching in both languages: English as whole words (never inside another word), Chinese
// as substrings, both ignoring case and width.
#include "core/safety/word_match.h"

#include <gtest/gtest.h>

#include <set>

namespace storybot {
namespace {

const std::vector<BlockedWord> kList = {
    {"t-1", "violence", "kill"}, {"t-2", "adult", "get high"}, {"t-3", "violence", "杀人"}};

std::string Found(std::string_view text) {
  auto found = FindBlocked(text, kList);
  return found ? found->id : "";
}

TEST(WordMatchTest, EnglishMatchesWholeWordsInAnyCase) {
  EXPECT_EQ(Found("a story where the dragon wants to kill a knight"), "t-1");
  EXPECT_EQ(Found("KILL"), "t-1");
  EXPECT_EQ(Found("Kill, then run"), "t-1");
  EXPECT_EQ(Found("they GeT HiGh"), "t-2");
}

TEST(WordMatchTest, EnglishNeverMatchesInsideAnotherWord) {
  EXPECT_EQ(Found("a skill for a skillful kid"), "");
  EXPECT_EQ(Found("the killer whale"), "");
  EXPECT_EQ(Found("kill2"), "");
  EXPECT_EQ(Found("get higher"), "");
}

TEST(WordMatchTest, FullWidthLettersFoldToAscii) {
  EXPECT_EQ(FoldForMatching("ＫＩＬＬ　Ｍｅ"), "kill me");
  EXPECT_EQ(Found("please ｋｉｌｌ it"), "t-1");
  EXPECT_EQ(Found("ＳＫＩＬＬ"), "");
}

TEST(WordMatchTest, ChineseMatchesAsASubstring) {
  EXPECT_EQ(Found("讲一个杀人的故事"), "t-3");
  EXPECT_EQ(Found("杀人"), "t-3");
  EXPECT_EQ(Found("讲一个小兔子的故事"), "");
}

TEST(WordMatchTest, EnglishNextToChineseIsAWholeWord) { EXPECT_EQ(Found("我想kill它"), "t-1"); }

TEST(WordMatchTest, TheBuiltInListsHaveBothLanguagesAndUniqueIds) {
  const auto& list = BuiltInBlockedWords();
  std::set<std::string> ids;
  bool english = false, chinese = false;
  for (const BlockedWord& w : list) {
    EXPECT_TRUE(ids.insert(w.id).second) << w.id;
    english |= w.id.starts_with("en-");
    chinese |= w.id.starts_with("zh-");
  }
  EXPECT_TRUE(english && chinese);
  EXPECT_TRUE(FindBlocked("tell me about a murder", list).has_value());
  EXPECT_TRUE(FindBlocked("一个关于自杀的故事", list).has_value());
  EXPECT_FALSE(FindBlocked("a dragon who is afraid of the dark", list).has_value());
  EXPECT_FALSE(FindBlocked("一条怕黑的小龙", list).has_value());
}

TEST(WordMatchTest, MalformedUtf8DoesNotBreakMatching) {
  EXPECT_EQ(Found(std::string("\xff kill \xc3")), "t-1");
}

}  // namespace
}  // namespace storybot
