#include "core/story/bot_texts.h"

namespace storybot {
namespace {

std::string_view English(BotText text) {
  switch (text) {
    case BotText::kGreeting:
      return "Hello {name}! I am storybot and I write stories just for you.\n\n"
             "Tell me what your story should be about — \"a dragon who is afraid of the dark\", "
             "say — or send /story to get a surprise. /themes lists the kinds of stories I know, "
             "/help shows every command.";
    case BotText::kHelp:
      return "Here is what I understand:\n"
             "/story [theme or wish] — a new story (plain text works too)\n"
             "/continue — the next chapter of your story\n"
             "/themes — the kinds of stories I know\n"
             "/reset — forget our story and start fresh\n"
             "/help — this list";
    case BotText::kThemesHeader:
      return "Story themes you can ask for with /story <theme>:";
    case BotText::kNoThemes:
      return "There are no special themes yet — just tell me what you would like a story about.";
    case BotText::kWriting:
      return "Writing your story…";
    case BotText::kNothingToContinue:
      return "There is no story to continue yet. Send /story to start one!";
    case BotText::kResetDone:
      return "Done — I have forgotten our story. Send /story for a new one.";
    case BotText::kStoryFailed:
      return "Sorry, I could not write a story just now. Please try again in a moment.";
  }
  return "";
}

std::string_view Chinese(BotText text) {
  switch (text) {
    case BotText::kGreeting:
      return "你好，{name}！我是故事机器人，专门为你写故事。\n\n"
             "告诉我你想听什么故事，比如“一条怕黑的小龙”，或者发送 /story 来一个惊喜。"
             "/themes 列出我会讲的故事主题，/help 查看所有命令。";
    case BotText::kHelp:
      return "我能听懂这些命令：\n"
             "/story [主题或愿望] — 讲一个新故事（直接发文字也可以）\n"
             "/continue — 讲下一章\n"
             "/themes — 我会讲的故事主题\n"
             "/reset — 忘掉当前的故事，重新开始\n"
             "/help — 显示这个列表";
    case BotText::kThemesHeader:
      return "可以用 /story <主题> 点播这些故事主题：";
    case BotText::kNoThemes:
      return "现在还没有特别的主题——直接告诉我你想听什么故事吧。";
    case BotText::kWriting:
      return "正在为你写故事……";
    case BotText::kNothingToContinue:
      return "还没有可以继续的故事。发送 /story 开始一个吧！";
    case BotText::kResetDone:
      return "好的，我已经忘掉了我们的故事。发送 /story 讲个新的。";
    case BotText::kStoryFailed:
      return "抱歉，我现在没能写出故事，请稍后再试。";
  }
  return "";
}

}  // namespace

std::string Text(BotText text, Language language, std::string_view name) {
  std::string out(language == Language::kChinese ? Chinese(text) : English(text));
  const std::size_t at = out.find("{name}");
  if (at != std::string::npos) {
    const std::string_view fallback = language == Language::kChinese ? "小朋友" : "friend";
    out.replace(at, 6, name.empty() ? fallback : name);
  }
  return out;
}

}  // namespace storybot
