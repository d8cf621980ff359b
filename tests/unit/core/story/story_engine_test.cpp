#include "core/story/story_engine.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

InboundMessage Message(std::string text, std::string name = "Ada", std::string hint = "en") {
  InboundMessage m;
  m.channel = "telegram";
  m.chat_id = "42";
  m.user_name = std::move(name);
  m.language_hint = std::move(hint);
  m.text = std::move(text);
  return m;
}

Prompt MakePrompt(std::int64_t id, std::string title, std::string content, bool enabled = true) {
  Prompt p;
  p.id = id;
  p.title = std::move(title);
  p.content = std::move(content);
  p.enabled = enabled;
  return p;
}

const std::vector<Prompt> kPrompts = {
    MakePrompt(1, "Space",
               "A space story for {{user_name}} about {{request|stars}} in {{language}}."),
    MakePrompt(2, "Dragons", "Dragons! {{user_name}} wants {{request}} on {{channel}}."),
    MakePrompt(3, "会说话的猫", "从前，{{user_name|小朋友}}遇见了一只会说话的猫。{{request}}"),
    MakePrompt(4, "Hidden", "never used", false),
};

TEST(ParseCommandTest, CommandsArgumentsAndBotSuffix) {
  EXPECT_EQ(ParseCommand("/start").command, Command::kStart);
  EXPECT_EQ(ParseCommand("/HELP").command, Command::kHelp);
  EXPECT_EQ(ParseCommand("/themes").command, Command::kThemes);
  EXPECT_EQ(ParseCommand("/continue please").argument, "please");
  EXPECT_EQ(ParseCommand("/reset").command, Command::kReset);
  const ParsedCommand story = ParseCommand("/story@MyStoryBot   dragons and knights ");
  EXPECT_EQ(story.command, Command::kStory);
  EXPECT_EQ(story.argument, "dragons and knights");
  const ParsedCommand plain = ParseCommand("a story about a brave mouse");
  EXPECT_EQ(plain.command, Command::kStory);
  EXPECT_EQ(plain.argument, "a story about a brave mouse");
  EXPECT_EQ(ParseCommand("/unknown thing").argument, "/unknown thing");
}

TEST(StoryEngineTest, StartGreetsByNameInTheUsersLanguage) {
  const Decision en = Decide(Message("/start"), {}, kPrompts, {}, 1);
  EXPECT_EQ(en.kind, Decision::Kind::kText);
  EXPECT_NE(en.text.find("Ada"), std::string::npos);
  const Decision zh = Decide(Message("/start", "小明", "zh-hans"), {}, kPrompts, {}, 1);
  EXPECT_NE(zh.text.find("小明"), std::string::npos);
  EXPECT_NE(zh.text.find("故事"), std::string::npos);
}

TEST(StoryEngineTest, HelpListsEveryCommand) {
  const Decision d = Decide(Message("/help"), {}, kPrompts, {}, 1);
  for (const char* c : {"/story", "/continue", "/themes", "/reset", "/help"}) {
    EXPECT_NE(d.text.find(c), std::string::npos) << c;
  }
}

TEST(StoryEngineTest, ThemesListsEnabledTitlesOnly) {
  const Decision d = Decide(Message("/themes"), {}, kPrompts, {}, 1);
  EXPECT_NE(d.text.find("Space"), std::string::npos);
  EXPECT_NE(d.text.find("会说话的猫"), std::string::npos);
  EXPECT_EQ(d.text.find("Hidden"), std::string::npos);
  EXPECT_NE(Decide(Message("/themes"), {}, {}, {}, 1).text.find("no special themes"),
            std::string::npos);
}

TEST(StoryEngineTest, ThemeMatchesATitleCaseInsensitively) {
  const Decision d = Decide(Message("/story DRAGONS a friendly one"), {}, kPrompts, {}, 7);
  ASSERT_EQ(d.kind, Decision::Kind::kStory);
  EXPECT_EQ(d.prompt_id, 2);
  EXPECT_EQ(d.request, "a friendly one");
  EXPECT_EQ(d.story.prompt, "Dragons! Ada wants a friendly one on telegram.");
  EXPECT_EQ(d.story.seed, 7u);
  EXPECT_FALSE(d.continues);
}

TEST(StoryEngineTest, ChineseThemeMatches) {
  const Decision d = Decide(Message("/story 会说话的猫", "小明", ""), {}, kPrompts, {}, 1);
  EXPECT_EQ(d.prompt_id, 3);
  EXPECT_EQ(d.language, Language::kChinese);
  EXPECT_EQ(d.story.prompt, "从前，小明遇见了一只会说话的猫。");
  EXPECT_NE(d.story.system_prompt.find("Chinese"), std::string::npos);
}

TEST(StoryEngineTest, PlainTextUsesTheDefaultPrompt) {
  const Decision d = Decide(Message("a brave mouse"), {}, kPrompts, {}, 1);
  EXPECT_EQ(d.prompt_id, 1);  // lowest enabled id
  EXPECT_EQ(d.story.prompt, "A space story for Ada about a brave mouse in English.");
}

TEST(StoryEngineTest, WithoutPromptsTheBuiltInOneAnswers) {
  const Decision en = Decide(Message("/story"), {}, {}, {}, 1);
  EXPECT_EQ(en.prompt_id, 0);
  EXPECT_NE(en.story.prompt.find("a friendly adventure"), std::string::npos);  // fallback text
  const Decision zh = Decide(Message("月亮的故事", ""), {}, {}, {}, 1);
  EXPECT_EQ(zh.language, Language::kChinese);
  EXPECT_NE(zh.story.prompt.find("小朋友"), std::string::npos);
}

TEST(StoryEngineTest, ContinueNeedsAStory) {
  const Decision d = Decide(Message("/continue"), {}, kPrompts, {}, 1);
  EXPECT_EQ(d.kind, Decision::Kind::kText);
  EXPECT_NE(d.text.find("no story to continue"), std::string::npos);
}

TEST(StoryEngineTest, ContinueCarriesTheStorySoFar) {
  ChatState state;
  state.has_story = true;
  state.prompt_id = 2;
  state.request = "a friendly dragon";
  state.seed = 99;
  state.chapter = 1;
  state.turns = {{"user", "Dragons! Ada wants a friendly dragon"}, {"assistant", "Once upon…"}};
  const Decision d = Decide(Message("/continue"), state, kPrompts, {}, 5);
  ASSERT_EQ(d.kind, Decision::Kind::kStory);
  EXPECT_TRUE(d.continues);
  EXPECT_EQ(d.story.seed, 99u);  // same seed: same characters
  EXPECT_EQ(d.story.chapter, 2);
  EXPECT_EQ(d.story.request, "a friendly dragon");
  ASSERT_EQ(d.story.history.size(), 2u);
  EXPECT_EQ(d.story.history[1].content, "Once upon…");
}

TEST(StoryEngineTest, AnIntegrationMayChooseThePromptAndAddVariables) {
  InboundMessage m = Message("owls at night");
  m.channel = "webhook";
  m.prompt_id = 2;
  m.variables = {{"colour", "blue"}};
  std::vector<Prompt> prompts = kPrompts;
  prompts[1].content = "{{user_name}} wants {{request}} in {{colour|red}}.";
  const Decision d = Decide(m, {}, prompts, {}, 1);
  EXPECT_EQ(d.prompt_id, 2);
  EXPECT_EQ(d.story.prompt, "Ada wants owls at night in blue.");
}

TEST(StoryEngineTest, ResetIsDecided) {
  EXPECT_EQ(Decide(Message("/reset"), {}, kPrompts, {}, 1).kind, Decision::Kind::kReset);
}

TEST(StoryEngineTest, ConfigurableSystemPrompt) {
  EngineOptions options;
  options.system_prompt = "Be brief. Answer in {language}.";
  const Decision d = Decide(Message("hello"), {}, kPrompts, options, 1);
  EXPECT_EQ(d.story.system_prompt, "Be brief. Answer in English.");
}

TEST(HistoryTest, KeepsNewestTurnsWithinBudget) {
  std::vector<ChatTurn> turns;
  for (int i = 0; i < 10; ++i) turns.push_back({"assistant", std::string(400, 'a' + i)});
  const auto kept = TrimHistory(turns, 250);  // 100 tokens per turn
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.back().content, turns.back().content);  // newest kept whole
  std::size_t total = 0;
  for (const auto& t : kept) total += EstimateTokens(t.content);
  EXPECT_LE(total, 250u);
  EXPECT_EQ(kept.front().content.rfind("…", 0), 0u);  // the oldest kept one is cut
}

TEST(HistoryTest, EstimatesChineseByCharacter) {
  EXPECT_EQ(EstimateTokens("从前有座山"), 5u);
  EXPECT_EQ(EstimateTokens("abcdefgh"), 2u);
}

TEST(StoryEngineTest, TheLanguageRuleThroughDecide) {
  // A Telegram user with a Chinese client who writes English gets English; a lone word, Chinese.
  EXPECT_EQ(Decide(Message("a story about a turtle", "Ada", "zh"), {}, {}, {}, 1).language,
            Language::kEnglish);
  EXPECT_EQ(Decide(Message("/story dragons", "Ada", "zh"), {}, {}, {}, 1).language,
            Language::kChinese);
  // A webhook's explicit "language" wins over the text.
  InboundMessage webhook = Message("a story about a turtle", "Ada", "");
  webhook.channel = "webhook";
  webhook.language = "zh";
  const Decision d = Decide(webhook, {}, {}, {}, 1);
  EXPECT_EQ(d.language, Language::kChinese);
  EXPECT_NE(d.story.prompt.find("给Ada讲"), std::string::npos) << d.story.prompt;
  webhook.text = "/help";
  EXPECT_NE(Decide(webhook, {}, {}, {}, 1).text.find("我能听懂"), std::string::npos);
}

TEST(StoryEngineTest, ContinueKeepsTheHeroLanguageAndPremise) {
  ChatState state;
  state.has_story = true;
  state.prompt_id = 3;
  state.request = "会说话的猫";
  state.seed = 5;
  state.chapter = 1;
  state.user_name = "Ada";
  state.language = "zh";
  state.premise = "从前，Ada遇见了一只会说话的猫。";
  state.premise_language = "zh";
  // No name, an English client, a prompt since edited: the story stays as it began.
  const std::vector<Prompt> edited = {MakePrompt(3, "会说话的猫", "Whales. {{request}}")};
  const Decision d = Decide(Message("/continue", "", "en"), state, edited, {}, 9);
  ASSERT_EQ(d.kind, Decision::Kind::kStory);
  EXPECT_EQ(d.story.user_name, "Ada");
  EXPECT_EQ(d.language, Language::kChinese);
  EXPECT_EQ(d.story.premise, state.premise);
  EXPECT_EQ(d.story.premise_language, Language::kChinese);
  EXPECT_EQ(d.story.seed, 5u);
  // An explicit choice still wins.
  InboundMessage english = Message("/continue", "", "");
  english.language = "en";
  EXPECT_EQ(Decide(english, state, edited, {}, 9).language, Language::kEnglish);
}

TEST(StoryEngineTest, ATitleMatchPassesTheThemeOn) {
  const Decision d = Decide(Message("/story dragons"), {}, kPrompts, {}, 1);
  EXPECT_EQ(d.prompt_id, 2);
  EXPECT_EQ(d.story.theme, "dragons");
  EXPECT_EQ(d.request, "dragons");  // kept for /continue
  EXPECT_EQ(d.story.premise, d.story.prompt);
  EXPECT_EQ(d.story.premise_language, Language::kEnglish);
}

TEST(StoryEngineTest, TheDefaultPromptIsTheFirstInTheReadersLanguage) {
  const std::vector<Prompt> prompts = {
      MakePrompt(1, "会说话的猫", "从前，{{user_name|小朋友}}遇见了一只会说话的猫。{{request}}"),
      MakePrompt(2, "Dragons", "Once, {{user_name}} met a dragon. {{request}}")};
  EXPECT_EQ(Decide(Message("a story about the sea"), {}, prompts, {}, 1).prompt_id, 2);
  EXPECT_EQ(Decide(Message("讲一个关于大海的故事"), {}, prompts, {}, 1).prompt_id, 1);
  // A prompt with no words of its own suits everyone; with none in the language, the first.
  EXPECT_EQ(Decide(Message("a story about the sea"), {}, {prompts[0]}, {}, 1).prompt_id, 1);
}

}  // namespace
}  // namespace storybot
