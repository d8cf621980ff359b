#include "core/story/offline_storyteller.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "core/utf8.h"

namespace storybot {
namespace {

StoryRequest English(std::string name, std::string request, std::uint64_t seed) {
  StoryRequest r;
  r.language = Language::kEnglish;
  r.user_name = std::move(name);
  r.request = std::move(request);
  r.prompt = "Write a bedtime story for " + r.user_name + " about " + r.request + ".";
  r.seed = seed;
  return r;
}

StoryRequest Chinese(std::string name, std::string request, std::uint64_t seed) {
  StoryRequest r = English(std::move(name), std::move(request), seed);
  r.language = Language::kChinese;
  return r;
}

std::size_t Words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::size_t CjkChars(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8::SequenceLength(text, pos);
    if (n == 3) {
      const auto b0 = static_cast<unsigned char>(text[pos]);
      if (b0 >= 0xE4 && b0 <= 0xE9) ++count;  // U+4E00..U+9FFF
    }
    pos += n == 0 ? 1 : n;
  }
  return count;
}

void ExpectEnglishShape(const std::string& story) {
  EXPECT_TRUE(utf8::IsValid(story));
  EXPECT_GE(Words(story), 150u) << story;
  EXPECT_LE(Words(story), 400u) << story;
  EXPECT_NE(story.find("\n\n"), std::string::npos);
  EXPECT_EQ(story.find('{'), std::string::npos) << story;
}

void ExpectChineseShape(const std::string& story) {
  EXPECT_TRUE(utf8::IsValid(story));
  EXPECT_GE(CjkChars(story), 300u) << story;
  EXPECT_LE(CjkChars(story), 800u) << story;
  EXPECT_NE(story.find("\n\n"), std::string::npos);
  EXPECT_EQ(story.find('{'), std::string::npos) << story;
}

TEST(OfflineStorytellerTest, EnglishStoryHasNameThemeAndLength) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const std::string story = WriteOfflineStory(English("Ada", "a story about dragons", seed));
    ExpectEnglishShape(story);
    EXPECT_NE(story.find("Ada"), std::string::npos);
    EXPECT_NE(story.find("dragons"), std::string::npos) << story;
  }
}

TEST(OfflineStorytellerTest, ChineseStoryHasNameThemeAndLength) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const std::string story = WriteOfflineStory(Chinese("小明", "讲一个关于月亮的故事", seed));
    ExpectChineseShape(story);
    EXPECT_NE(story.find("小明"), std::string::npos);
    EXPECT_NE(story.find("月亮"), std::string::npos) << story;
    EXPECT_EQ(story.find("关于月亮的故事的"), std::string::npos);
  }
}

TEST(OfflineStorytellerTest, ExtractsThemeFromCommonPhrasings) {
  const auto has = [](const StoryRequest& r, std::string_view theme) {
    return WriteOfflineStory(r).find(theme) != std::string::npos;
  };
  EXPECT_TRUE(
      has(English("Ada", "Tell me a story about a brave knight, please", 3), "a brave knight"));
  EXPECT_FALSE(has(English("Ada", "Tell me a story about a brave knight, please", 3), "please"));
  EXPECT_TRUE(has(English("Ada", "space pirates", 3), "space pirates"));
  EXPECT_TRUE(has(Chinese("小明", "月亮", 3), "月亮"));
  EXPECT_TRUE(has(Chinese("小明", "给我讲一个小兔子的故事吧", 3), "小兔子"));
}

TEST(OfflineStorytellerTest, SameSeedSameStory) {
  EXPECT_EQ(WriteOfflineStory(English("Ada", "dragons", 42)),
            WriteOfflineStory(English("Ada", "dragons", 42)));
  EXPECT_EQ(WriteOfflineStory(Chinese("小明", "月亮", 42)),
            WriteOfflineStory(Chinese("小明", "月亮", 42)));
}

TEST(OfflineStorytellerTest, SeedsGiveVariety) {
  std::set<std::string> openings;
  std::set<std::string> stories;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::string story = WriteOfflineStory(English("Ada", "dragons", seed));
    openings.insert(story.substr(0, story.find("\n\n")));
    stories.insert(story);
  }
  EXPECT_GE(openings.size(), 10u);
  EXPECT_EQ(stories.size(), 20u);
}

// The companion's name: the first word of the first sentence that names {c} in the banks.
std::optional<std::string> CompanionOf(const std::string& story, bool zh) {
  const std::vector<std::string> names =
      zh ? std::vector<std::string>{"豆豆",   "露露", "饼干", "壳壳", "刺刺",
                                    "棉花糖", "小铁", "枫枫", "嘟嘟", "啾啾"}
         : std::vector<std::string>{"Pip",    "Luna",   "Biscuit", "Tilly", "Bramble",
                                    "Nimbus", "Sparky", "Hazel",   "Coco",  "Wren"};
  for (const auto& name : names) {
    if (story.find(name) != std::string::npos) return name;
  }
  return std::nullopt;
}

// A word each setting's long and short forms share; more specific first, and "garden" last
// because a problem may water every garden.
std::optional<std::size_t> SettingOf(const std::string& story, bool zh) {
  const std::vector<std::string> places =
      zh ? std::vector<std::string>{"小村庄", "灯塔小镇", "枫树山", "山谷",     "小岛",
                                    "城市",   "雪山村",   "农场",   "沙漠小镇", "花园"}
         : std::vector<std::string>{
               "mountain village", "desert town", "village", "town", "Maple Hill",
               "valley",           "island",      "city",    "farm", "garden"};
  for (std::size_t i = 0; i < places.size(); ++i) {
    if (story.find(places[i]) != std::string::npos) return i;
  }
  return std::nullopt;
}

TEST(OfflineStorytellerTest, ChapterTwoKeepsCastAndSettingWithNewProblem) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const bool zh : {false, true}) {
      StoryRequest first = zh ? Chinese("小明", "月亮", seed) : English("Ada", "dragons", seed);
      const std::string one = WriteOfflineStory(first);
      first.chapter = 2;
      first.prompt = "Continue the story.";
      const std::string two = WriteOfflineStory(first);
      zh ? ExpectChineseShape(two) : ExpectEnglishShape(two);
      EXPECT_EQ(two.rfind(zh ? "第二章" : "Chapter 2", 0), 0u) << two;
      const auto companion = CompanionOf(one, zh);
      ASSERT_TRUE(companion.has_value()) << one;
      EXPECT_NE(two.find(*companion), std::string::npos) << one << "\n----\n" << two;
      EXPECT_NE(one, two);
      const auto setting = SettingOf(one, zh);
      ASSERT_TRUE(setting.has_value()) << one;
      EXPECT_EQ(SettingOf(two, zh), setting) << one << "\n----\n" << two;
    }
  }
}

TEST(OfflineStorytellerTest, EmptyNameAndRequestStillMakeAGoodStory) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    StoryRequest en = English("", "", seed);
    en.prompt.clear();
    const std::string story = WriteOfflineStory(en);
    ExpectEnglishShape(story);
    EXPECT_TRUE(story.find("a curious child") != std::string::npos ||
                story.find("child") != std::string::npos);
    StoryRequest zh = Chinese("", "", seed);
    zh.prompt.clear();
    const std::string chinese = WriteOfflineStory(zh);
    ExpectChineseShape(chinese);
    EXPECT_NE(chinese.find("小朋友"), std::string::npos);
  }
}

TEST(OfflineStorytellerTest, ThemeFromPromptWhenRequestIsEmpty) {
  StoryRequest r = English("Ada", "", 5);
  r.prompt = "Write a gentle story about sleepy whales. Keep it short.";
  EXPECT_NE(WriteOfflineStory(r).find("sleepy whales"), std::string::npos);
}

TEST(OfflineStorytellerTest, AdversarialInputStaysSafe) {
  std::string evil = "a story about <script>alert(\"x\")</script> {{user_name}} \xFF\xFE\xC0 ";
  while (evil.size() < 10000) evil += "dragon\xE4\xB8 \"quoted\" {{x}} <b>";
  std::string long_name(500, 'N');
  long_name += "\xFF{{name}}";
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const std::string en = WriteOfflineStory(English(long_name, evil, seed));
    ExpectEnglishShape(en);
    EXPECT_EQ(en.find('<'), std::string::npos);
    EXPECT_EQ(en.find("{{"), std::string::npos);
    StoryRequest zh = Chinese(long_name, evil, seed);
    zh.chapter = 3;
    ExpectChineseShape(WriteOfflineStory(zh));
  }
}

TEST(OfflineStorytellerTest, BackendAnswersSynchronously) {
  OfflineStoryteller teller;
  EXPECT_EQ(teller.name(), "offline");
  std::optional<Story> got;
  teller.Generate(English("Ada", "dragons", 1), [&](Result<Story> story) {
    ASSERT_TRUE(story.ok());
    got = story.value();
  });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->engine, "offline");
  EXPECT_EQ(got->text, WriteOfflineStory(English("Ada", "dragons", 1)));
  EXPECT_FALSE(got->truncated);
}

}  // namespace
}  // namespace storybot
