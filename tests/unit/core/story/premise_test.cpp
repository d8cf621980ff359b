// The offline storyteller honours the admin's prompts (issue 13, item 1): the rendered prompt sets
// the premise — creature, place, situation — and the reader's request is woven in, in the
// prompt's language. Stories go through Decide() as in the default set-up.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/story/offline_storyteller.h"
#include "core/story/story_engine.h"
#include "core/utf8.h"

namespace storybot {
namespace {

Prompt MakePrompt(std::int64_t id, std::string title, std::string content) {
  Prompt p;
  p.id = id;
  p.title = std::move(title);
  p.content = std::move(content);
  return p;
}

InboundMessage Message(std::string text, std::string name, std::string hint = "en") {
  InboundMessage m;
  m.channel = "telegram";
  m.chat_id = "7";
  m.user_name = std::move(name);
  m.language_hint = std::move(hint);
  m.text = std::move(text);
  return m;
}

const Prompt kCat =
    MakePrompt(1, "会说话的猫", "从前，{{user_name|小朋友}}遇见了一只会说话的猫。{{request}}");
const Prompt kDragon = MakePrompt(2, "Dragons",
                                  "Once upon a time, {{user_name|a child}} met a dragon in a "
                                  "castle made of clouds. {{request}}");
const Prompt kKnight = MakePrompt(3, "Knight",
                                  "Write a bedtime story about a little knight who is afraid of "
                                  "the dark. {{request}}");
const Prompt kFish = MakePrompt(
    4, "小鱼", "在海底的城堡里，{{user_name|小朋友}}认识了一条会唱歌的小鱼。{{request|}}");
const Prompt kRobot = MakePrompt(5, "Robots",
                                 "{{user_name|A child}} found a robot named Bolt on the moon. "
                                 "{{request}}");

Decision DecideFor(const std::vector<Prompt>& prompts, const std::string& text,
                   const std::string& name, std::uint64_t seed) {
  return Decide(Message(text, name), {}, prompts, {}, seed);
}

std::size_t Count(std::string_view text, std::string_view word) {
  std::size_t n = 0;
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + word.size())) {
    ++n;
  }
  return n;
}

std::size_t Ideographs(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8::SequenceLength(text, pos));
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (n == 3 && b0 >= 0xE4 && b0 <= 0xE9) ++count;
    pos += n;
  }
  return count;
}

std::size_t EnglishWords(std::string_view text) {
  std::size_t words = 0;
  bool in = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (!space && !in) ++words;
    in = !space;
  }
  return words;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Case {
  std::vector<Prompt> prompts;
  std::string text;                 // what the reader sends
  std::string name;                 // the reader's name
  bool chinese;                     // the story's language
  std::vector<std::string> wanted;  // the rendered premise, its creature and place, the wish
};

TEST(PremiseTest, TheRenderedPromptSetsThePremiseAndTheRequestIsWovenIn) {
  const std::vector<Case> cases = {
      // The README's example: the title match passes the theme on, and the cat is the companion.
      {{kCat},
       "/story 会说话的猫",
       "",
       true,
       {"从前，小朋友遇见了一只会说话的猫。", "这只会说话的猫"}},
      {{kCat},
       "/story 会说话的猫 月亮",
       "小明",
       true,
       {"从前，小明遇见了一只会说话的猫。", "月亮"}},
      {{kCat, kDragon}, "讲一个关于星星的故事", "小明", true, {"遇见了一只会说话的猫", "星星"}},
      {{kDragon},
       "/story dragons",
       "Ada",
       false,
       {"Once upon a time, Ada met a dragon in a castle made of clouds.", "The dragon", "dragons"}},
      {{kDragon},
       "/story dragons: a lost moon",
       "Ada",
       false,
       {"met a dragon in a castle made of clouds", "a lost moon", "the castle"}},
      {{kCat, kDragon},
       "a story about the sea",
       "Ada",
       false,  // the English default prompt
       {"Ada met a dragon in a castle made of clouds", "the sea"}},
      {{kKnight},
       "a story about the sea",
       "Ada",
       false,
       {"a little knight who is afraid of the dark", "a little knight", "the sea"}},
      {{kFish},
       "讲一个关于星星的故事",
       "小明",
       true,
       {"在海底的城堡里，小明认识了一条会唱歌的小鱼。", "星星", "这条会唱歌的小鱼", "城堡"}},
      {{kRobot},
       "/story robots",
       "Ada",
       false,
       {"Ada found a robot named Bolt on the moon.", "Bolt", "a robot", "robots"}},
  };
  for (const Case& c : cases) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const Decision d = DecideFor(c.prompts, c.text, c.name, seed);
      ASSERT_EQ(d.kind, Decision::Kind::kStory);
      const std::string story = WriteOfflineStory(d.story);
      for (const std::string& want : c.wanted) {  // English: whatever the capitals
        EXPECT_NE(Lower(story).find(Lower(want)), std::string::npos)
            << c.text << " (seed " << seed << ") lacks \"" << want << "\":\n"
            << story;
      }
      EXPECT_TRUE(utf8::IsValid(story));
      if (c.chinese) {
        EXPECT_GE(Ideographs(story), 300u) << story;
        EXPECT_LE(Ideographs(story), 800u) << story;
      } else {
        EXPECT_EQ(Ideographs(story), 0u) << story;
        EXPECT_GE(EnglishWords(story), 150u) << story;
        EXPECT_LE(EnglishWords(story), 400u) << story;
      }
    }
  }
}

TEST(PremiseTest, TheCreatureIsTheCompanionThroughoutTheTale) {
  // The complaint: "a story about music and a squirrel, with no cat".
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string cat =
        WriteOfflineStory(DecideFor({kCat}, "/story 会说话的猫", "", seed).story);
    EXPECT_GE(Count(cat, "会说话的猫"), 3u) << cat;
    const std::string dragon =
        WriteOfflineStory(DecideFor({kDragon}, "/story dragons", "Ada", seed).story);
    EXPECT_GE(Count(dragon, "dragon"), 4u) << dragon;
    // A title match passes the theme on: "/story dragons" is about dragons.
    EXPECT_GE(Count(dragon, "dragons"), 1u) << dragon;
  }
}

// Sentences of a story, for comparing two stories.
std::set<std::string> SentencesOf(const std::string& story) {
  std::set<std::string> out;
  std::string current;
  for (std::size_t pos = 0; pos < story.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8::SequenceLength(story, pos));
    const std::string_view ch(story.data() + pos, n);
    pos += n;
    if (ch == "\n") continue;
    current += ch;
    if (ch == "." || ch == "!" || ch == "?" || ch == "。" || ch == "！" || ch == "？") {
      while (!current.empty() && current.front() == ' ') current.erase(0, 1);
      if (current.size() > 3) out.insert(current);
      current.clear();
    }
  }
  return out;
}

double SharedSentenceRatio(const std::string& a, const std::string& b) {
  const std::set<std::string> sa = SentencesOf(a), sb = SentencesOf(b);
  std::size_t shared = 0;
  for (const auto& s : sa) shared += sb.count(s);
  return static_cast<double>(shared) / static_cast<double>(std::max(sa.size(), sb.size()));
}

TEST(PremiseTest, TwoPromptsGiveClearlyDifferentStoriesForTheSameRequest) {
  const std::vector<std::pair<Prompt, Prompt>> pairs = {
      {kDragon, kRobot}, {kDragon, kKnight}, {kCat, kFish}};
  double total = 0;
  int n = 0;
  for (const auto& [a, b] : pairs) {
    const bool zh = a.id == kCat.id;
    const std::string request = zh ? "讲一个关于星星的故事" : "a story about the moon";
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      InboundMessage m = Message(request, zh ? "小明" : "Ada");
      m.channel = "webhook";  // an integration picks the prompt: the request is the same
      m.prompt_id = a.id;
      const std::string one = WriteOfflineStory(Decide(m, {}, {a, b}, {}, seed).story);
      m.prompt_id = b.id;
      const std::string two = WriteOfflineStory(Decide(m, {}, {a, b}, {}, seed).story);
      const double ratio = SharedSentenceRatio(one, two);
      EXPECT_LT(ratio, 0.35) << one << "\n----\n" << two;
      total += ratio;
      ++n;
    }
  }
  const double mean = total / n;
  EXPECT_LT(mean, 0.15);
  std::printf("mean shared-sentence ratio between two prompts: %.3f over %d pairs\n", mean, n);
}

TEST(PremiseTest, ChapterTwoKeepsTheCreaturePlaceAndHero) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Decision first = DecideFor({kDragon}, "/story dragons", "Ada", seed);
    const std::string one = WriteOfflineStory(first.story);
    ChatState state;  // what the chat store keeps after chapter 1
    state.has_story = true;
    state.prompt_id = first.prompt_id;
    state.request = first.request;
    state.seed = first.story.seed;
    state.chapter = 1;
    state.user_name = first.story.user_name;
    state.language = "en";
    state.premise = first.story.premise;
    state.turns = {{"user", first.story.prompt}, {"assistant", one}};
    // The next message carries no name (a webhook without user_name) and the prompt changed.
    const std::vector<Prompt> edited = {MakePrompt(2, "Dragons", "A whale story. {{request}}")};
    const Decision next = Decide(Message("/continue", ""), state, edited, {}, seed + 100);
    const std::string two = WriteOfflineStory(next.story);
    EXPECT_EQ(two.rfind("Chapter 2", 0), 0u) << two;
    EXPECT_NE(two.find("Ada"), std::string::npos) << two;
    EXPECT_NE(two.find("The dragon, "), std::string::npos) << two;
    EXPECT_NE(two.find("the castle"), std::string::npos) << two;
    const std::size_t named = one.find("name was ") != std::string::npos ? one.find("name was ") + 9
                              : one.find("called ") != std::string::npos
                                  ? one.find("called ") + 7
                                  : one.find("of Ada and ") + 11;
    const std::string companion = one.substr(named, one.find_first_of(",. ", named) - named);
    EXPECT_NE(two.find(companion), std::string::npos) << one << "\n----\n" << two;
    EXPECT_EQ(two.find("whale"), std::string::npos);
  }
}

TEST(PremiseTest, APromptsMarkupAndScrapsAreNotQuoted) {
  const Prompt evil = MakePrompt(
      9, "Evil", "Once upon a time, <b>{{user_name}}</b> met a *fox* in [the woods]. {{request}}");
  const std::string story =
      WriteOfflineStory(DecideFor({evil}, "/story evil {c} <script>", "Ada", 1).story);
  EXPECT_NE(story.find("Once upon a time, Ada met a fox in the woods."), std::string::npos)
      << story;
  EXPECT_EQ(story.find('<'), std::string::npos) << story;
  EXPECT_EQ(story.find('{'), std::string::npos) << story;
  EXPECT_EQ(story.find('*'), std::string::npos) << story;
}

}  // namespace
}  // namespace storybot
