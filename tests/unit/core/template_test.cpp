#include "core/template.h"

#include <gtest/gtest.h>

namespace storybot {
namespace {

TEST(TemplateTest, RendersPlaceholdersAndFallbacks) {
  auto t =
      Template::Parse("Hi {{user_name}}, a story about {{ request }} in {{language|English}}.");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t.value().Render({{"user_name", "Ada"}, {"request", "dragons"}}),
            "Hi Ada, a story about dragons in English.");
  EXPECT_EQ(t.value().Render({{"user_name", "Ada"}, {"request", "x"}, {"language", "zh"}}),
            "Hi Ada, a story about x in zh.");
}

TEST(TemplateTest, MissingVariableWithoutFallbackIsEmpty) {
  auto t = Template::Parse("[{{channel}}]");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().Render({}), "[]");
}

TEST(TemplateTest, ChineseTextAndFallback) {
  auto t = Template::Parse("从前，{{user_name|小朋友}}遇见了一只会说话的猫。");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().Render({}), "从前，小朋友遇见了一只会说话的猫。");
  EXPECT_EQ(t.value().Render({{"user_name", "小明"}}), "从前，小明遇见了一只会说话的猫。");
}

TEST(TemplateTest, ListsVariablesInOrderOnce) {
  auto t = Template::Parse("{{b}} {{a}} {{b|x}} {{c}}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().VariableNames(), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(TemplateTest, LoneBracesAreLiteral) {
  auto t = Template::Parse("a } b }} c { d");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().Render({}), "a } b }} c { d");
}

TEST(TemplateTest, UnclosedPlaceholderNamesItsCharacterPosition) {
  // "你好 " is 3 characters, so the '{{' starts at character 4 (not byte 8).
  auto t = Template::Parse("你好 {{user_name");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("character 4"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("unclosed"), std::string::npos);
}

TEST(TemplateTest, RejectsEmptyAndInvalidNames) {
  auto empty = Template::Parse("x {{ }} y");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("character 3"), std::string::npos);
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
  auto bad = Template::Parse("{{user-name}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("user-name"), std::string::npos);
  EXPECT_FALSE(Template::Parse("{{9lives}}").ok());
  EXPECT_FALSE(Template::Parse("{{a {{b}}").ok());
}

TEST(TemplateTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(Template::Parse(std::string("ok \xC3\x28")).ok());
}

}  // namespace
}  // namespace storybot
