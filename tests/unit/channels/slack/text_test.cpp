#include "channels/slack/text.h"

#include <gtest/gtest.h>

#include "core/utf8.h"

namespace storybot::slack {
namespace {

TEST(SlackText, EscapesTheThreeControlCharacters) {
  EXPECT_EQ(EscapeMrkdwn("Tom & Jerry <3 > *bold*"), "Tom &amp; Jerry &lt;3 &gt; *bold*");
  EXPECT_EQ(EscapeMrkdwn("故事"), "故事");
  EXPECT_EQ(UnescapeMrkdwn("a &amp; b &lt;c&gt; &amp;amp; &quot;"), "a & b <c> &amp; &quot;");
}

TEST(SlackText, ShortTextIsOnePiece) {
  const auto pieces = EscapeAndSplit("Once upon a time & ever after.");
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0], "Once upon a time &amp; ever after.");
  EXPECT_TRUE(EscapeAndSplit("").empty());
  EXPECT_TRUE(EscapeAndSplit(" \n ").empty());
}

TEST(SlackText, SplitsAtFourThousandCharactersOnParagraphs) {
  std::string paragraph(1500, 'a');
  paragraph += ".";
  std::string text;
  for (int i = 0; i < 5; ++i) text += paragraph + "\n\n";
  const auto pieces = EscapeAndSplit(text);
  ASSERT_EQ(pieces.size(), 3u);
  for (const auto& p : pieces) {
    EXPECT_LE(utf8::CodePointCount(p), kMaxMessageCharacters);
    EXPECT_EQ(p.back(), '.');  // cut at a paragraph end
  }
}

TEST(SlackText, CountsCharactersNotBytes) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "故";  // 9,000 bytes, 3,000 characters
  EXPECT_EQ(EscapeAndSplit(text).size(), 1u);
  for (int i = 0; i < 1500; ++i) text += "事";
  const auto pieces = EscapeAndSplit(text);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_TRUE(utf8::IsValid(pieces[0]) && utf8::IsValid(pieces[1]));
}

TEST(SlackText, EscapedPiecesStayWithinTheLimit) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "a & b ";  // escaping adds 4 characters per '&'
  const auto pieces = EscapeAndSplit(text);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_LE(utf8::CodePointCount(p), kMaxMessageCharacters);
    EXPECT_EQ(p.find("&amp"), p.find('&'));  // never a cut inside an escape
    joined += p + " ";
  }
  EXPECT_GT(pieces.size(), 5u);
  EXPECT_EQ(joined.size(), 3000u * std::string("a &amp; b ").size());

  const auto tiny = EscapeAndSplit("&&&&", 5);
  ASSERT_EQ(tiny.size(), 4u);
  EXPECT_EQ(tiny[0], "&amp;");
}

}  // namespace
}  // namespace storybot::slack
