#include "core/text_split.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/utf8.h"

namespace storybot {
namespace {

using Pieces = std::vector<std::string>;

std::size_t Utf16Length(std::string_view text) {
  std::size_t units = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8::SequenceLength(text, pos);
    units += n == 4 ? 2 : 1;
    pos += n == 0 ? 1 : n;
  }
  return units;
}

std::string WithoutSpace(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out += c;
  }
  return out;
}

std::string Joined(const Pieces& pieces) {
  std::string out;
  for (const auto& piece : pieces) out += piece;
  return out;
}

// Every piece is valid, trimmed, non-empty and within the limit; the pieces are the text in order.
void ExpectWellFormed(std::string_view text, const Pieces& pieces, std::size_t limit,
                      LengthUnit unit) {
  for (const auto& piece : pieces) {
    ASSERT_FALSE(piece.empty());
    EXPECT_TRUE(utf8::IsValid(piece));
    EXPECT_NE(piece.front(), ' ');
    EXPECT_NE(piece.back(), ' ');
    EXPECT_NE(piece.back(), '\n');
    const std::size_t length =
        unit == LengthUnit::kUtf16 ? Utf16Length(piece) : utf8::CodePointCount(piece);
    EXPECT_LE(length, limit);
  }
  EXPECT_EQ(WithoutSpace(Joined(pieces)), WithoutSpace(text));
}

std::string EnglishStory(std::size_t at_least) {
  const std::vector<std::string> sentences = {
      "The little fox looked up at the silver moon.",
      "Nobody in the valley had ever seen it so bright!",
      "Would the river keep singing all night long?",
      "Mila packed a lantern, two apples and a map.",
      "The path wound past sleepy cottages and tall whispering pines."};
  std::string text;
  for (std::size_t i = 0; text.size() < at_least; ++i) {
    text += sentences[i % sentences.size()];
    text += i % 7 == 6 ? "\n\n" : " ";
  }
  return text;
}

std::string ChineseStory(std::size_t at_least_chars) {
  const std::vector<std::string> sentences = {
      "小狐狸抬头看着银色的月亮。", "山谷里从来没有人见过这么亮的月光！",
      "河水会不会唱一整夜的歌？", "米拉带上了灯笼、两个苹果和一张地图；", "她说：“我们出发吧。”"};
  std::string text;
  for (std::size_t i = 0; utf8::CodePointCount(text) < at_least_chars; ++i) {
    text += sentences[i % sentences.size()];
    if (i % 9 == 8) text += "\n\n";
  }
  return text;
}

TEST(SplitMessageTest, EmptyAndBlankTextGiveNoPieces) {
  EXPECT_TRUE(SplitMessage("", 4096, LengthUnit::kUtf16).empty());
  EXPECT_TRUE(SplitMessage(" \n\n\t ", 4096, LengthUnit::kUtf16).empty());
}

TEST(SplitMessageTest, ShortTextIsOneTrimmedPiece) {
  EXPECT_EQ(SplitMessage("Once upon a time.", 4096, LengthUnit::kUtf16),
            Pieces{"Once upon a time."});
  EXPECT_EQ(SplitMessage("\n  从前有一座山。 \n", 4000, LengthUnit::kCodePoints),
            Pieces{"从前有一座山。"});
}

TEST(SplitMessageTest, ExactLimitFitsAndOneMoreSplits) {
  const std::string exact(4000, 'a');
  EXPECT_EQ(SplitMessage(exact, 4000, LengthUnit::kCodePoints), Pieces{exact});
  const auto over = SplitMessage(exact + "b", 4000, LengthUnit::kCodePoints);
  EXPECT_EQ(over, (Pieces{exact, "b"}));
  std::string chinese;
  for (int i = 0; i < 10; ++i) chinese += "月";
  EXPECT_EQ(SplitMessage(chinese, 10, LengthUnit::kCodePoints).size(), 1u);
  EXPECT_EQ(SplitMessage(chinese + "亮", 10, LengthUnit::kCodePoints).size(), 2u);
}

TEST(SplitMessageTest, SmallLimitWordBoundaries) {
  EXPECT_EQ(SplitMessage("Hello world foo", 10, LengthUnit::kCodePoints),
            (Pieces{"Hello", "world foo"}));
  // The space right after the window is a boundary too.
  EXPECT_EQ(SplitMessage("abcde fghij klm", 11, LengthUnit::kCodePoints),
            (Pieces{"abcde fghij", "klm"}));
}

TEST(SplitMessageTest, SmallLimitPrefersParagraphThenLineThenSentence) {
  EXPECT_EQ(SplitMessage("Aaa bb. Cc\n\nDd ee ff", 16, LengthUnit::kCodePoints),
            (Pieces{"Aaa bb. Cc", "Dd ee ff"}));
  EXPECT_EQ(SplitMessage("Aaa bb. Cc\nDd ee ff", 16, LengthUnit::kCodePoints),
            (Pieces{"Aaa bb. Cc", "Dd ee ff"}));
  EXPECT_EQ(SplitMessage("One two. Three four", 12, LengthUnit::kCodePoints),
            (Pieces{"One two.", "Three four"}));
  EXPECT_EQ(SplitMessage("Who? Me! Yes. ok", 10, LengthUnit::kCodePoints),
            (Pieces{"Who? Me!", "Yes. ok"}));
  EXPECT_EQ(SplitMessage("Aaaa\r\n\r\nBbbb cc", 8, LengthUnit::kCodePoints),
            (Pieces{"Aaaa", "Bbbb cc"}));
}

TEST(SplitMessageTest, BoundaryTooEarlyGivesWayToFullerPiece) {
  // The sentence end after "Hi." would leave a 3-character piece; a word boundary fills more.
  EXPECT_EQ(SplitMessage("Hi. Hello there.", 10, LengthUnit::kCodePoints),
            (Pieces{"Hi. Hello", "there."}));
}

TEST(SplitMessageTest, ChineseSplitsRightAfterPunctuation) {
  EXPECT_EQ(SplitMessage("我爱月亮。月亮很圆。", 6, LengthUnit::kCodePoints),
            (Pieces{"我爱月亮。", "月亮很圆。"}));
  EXPECT_EQ(SplitMessage("你好吗？我很好！", 6, LengthUnit::kUtf16),
            (Pieces{"你好吗？", "我很好！"}));
  EXPECT_EQ(SplitMessage("一二三；四五六", 5, LengthUnit::kCodePoints),
            (Pieces{"一二三；", "四五六"}));
  // A closing quote stays with its sentence.
  EXPECT_EQ(SplitMessage("他说：“好。”我们走吧。", 9, LengthUnit::kCodePoints),
            (Pieces{"他说：“好。”", "我们走吧。"}));
}

TEST(SplitMessageTest, HardSplitAtCodePointBoundaries) {
  EXPECT_EQ(SplitMessage("abcdefghijklmnop", 10, LengthUnit::kCodePoints),
            (Pieces{"abcdefghij", "klmnop"}));
  EXPECT_EQ(SplitMessage("一二三四五六七八九十一二", 5, LengthUnit::kCodePoints),
            (Pieces{"一二三四五", "六七八九十", "一二"}));
}

TEST(SplitMessageTest, Utf16CountsAstralEmojiTwice) {
  EXPECT_EQ(SplitMessage("😀😀😀", 3, LengthUnit::kUtf16), (Pieces{"😀", "😀", "😀"}));
  EXPECT_EQ(SplitMessage("😀😀😀", 4, LengthUnit::kUtf16), (Pieces{"😀😀", "😀"}));
  EXPECT_EQ(SplitMessage("😀😀😀", 3, LengthUnit::kCodePoints), (Pieces{"😀😀😀"}));
  EXPECT_EQ(SplitMessage("a😀b", 2, LengthUnit::kUtf16), (Pieces{"a", "😀", "b"}));
}

TEST(SplitMessageTest, LimitBelowTwoStillMakesProgress) {
  EXPECT_EQ(SplitMessage("😀", 0, LengthUnit::kUtf16), (Pieces{"😀"}));
  EXPECT_EQ(SplitMessage("abc", 1, LengthUnit::kCodePoints), (Pieces{"ab", "c"}));
}

TEST(SplitMessageTest, LongEnglishStoryForSlack) {
  const std::string story = EnglishStory(10000);
  const auto pieces = SplitMessage(story, 4000, LengthUnit::kCodePoints);
  ASSERT_GE(pieces.size(), 3u);
  ExpectWellFormed(story, pieces, 4000, LengthUnit::kCodePoints);
  std::size_t cursor = 0;
  for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
    const char end = pieces[i].back();
    EXPECT_TRUE(end == '.' || end == '!' || end == '?') << pieces[i].substr(pieces[i].size() - 20);
    // Paragraphs are within reach of every cut in this story, so pieces end at them.
    const std::size_t start = story.find(pieces[i], cursor);
    ASSERT_NE(start, std::string::npos);
    const std::size_t end_pos = start + pieces[i].size();
    cursor = end_pos;
    EXPECT_EQ(story.substr(end_pos, 2), "\n\n");
    EXPECT_GE(utf8::CodePointCount(pieces[i]), 2000u);
  }
}

TEST(SplitMessageTest, LongEnglishParagraphEndsAtSentences) {
  std::string story = EnglishStory(10000);
  for (char& c : story) {
    if (c == '\n') c = ' ';
  }
  const auto pieces = SplitMessage(story, 4096, LengthUnit::kUtf16);
  ExpectWellFormed(story, pieces, 4096, LengthUnit::kUtf16);
  for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
    const char end = pieces[i].back();
    EXPECT_TRUE(end == '.' || end == '!' || end == '?');
  }
}

TEST(SplitMessageTest, LongChineseStory) {
  const std::string story = ChineseStory(10000);
  for (const LengthUnit unit : {LengthUnit::kUtf16, LengthUnit::kCodePoints}) {
    const auto pieces = SplitMessage(story, 4000, unit);
    ASSERT_GE(pieces.size(), 3u);
    ExpectWellFormed(story, pieces, 4000, unit);
    for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
      const std::string& piece = pieces[i];
      const std::string tail = piece.substr(piece.size() - 3);
      EXPECT_TRUE(tail == "。" || tail == "！" || tail == "？" || tail == "；" || tail == "”");
    }
  }
}

TEST(SplitMessageTest, EmojiHeavyTextForTelegram) {
  std::string text;
  for (int i = 0; text.size() < 40000; ++i) {
    text += i % 5 == 4 ? "🐉 " : "😀🌙";
    if (i % 97 == 96) text += "龍。";
  }
  const auto pieces = SplitMessage(text, 4096, LengthUnit::kUtf16);
  ASSERT_GE(pieces.size(), 2u);
  ExpectWellFormed(text, pieces, 4096, LengthUnit::kUtf16);
}

TEST(SplitMessageTest, EmojiWithoutAnyBoundaryNeverBreaksASurrogatePair) {
  std::string text = "a";  // shifts the emoji so a naive cut would land mid-pair
  for (int i = 0; i < 5000; ++i) text += "😀";
  const auto pieces = SplitMessage(text, 4096, LengthUnit::kUtf16);
  ExpectWellFormed(text, pieces, 4096, LengthUnit::kUtf16);
  EXPECT_EQ(Joined(pieces), text);
  EXPECT_EQ(Utf16Length(pieces[0]), 4095u);  // "a" + 2047 emoji: one more would need 4097
}

TEST(SplitMessageTest, SingleHugeWordIsHardSplit) {
  std::string word;
  for (int i = 0; i < 20000; ++i) word += static_cast<char>('a' + i % 26);
  const auto pieces = SplitMessage(word, 4096, LengthUnit::kUtf16);
  ASSERT_EQ(pieces.size(), 5u);
  EXPECT_EQ(pieces[0].size(), 4096u);
  EXPECT_EQ(pieces[4].size(), 20000u - 4 * 4096u);
  EXPECT_EQ(Joined(pieces), word);
}

TEST(SplitMessageTest, InvalidUtf8IsSanitizedFirst) {
  const auto pieces = SplitMessage(
      "ab\xFF"
      "cd \xE4\xB8",
      100, LengthUnit::kCodePoints);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0],
            "ab\xEF\xBF\xBD"
            "cd \xEF\xBF\xBD\xEF\xBF\xBD");
  std::string noisy;
  for (int i = 0; i < 3000; ++i) noisy += "x\xC3";
  for (const auto& piece : SplitMessage(noisy, 7, LengthUnit::kUtf16)) {
    EXPECT_TRUE(utf8::IsValid(piece));
  }
}

}  // namespace
}  // namespace storybot
