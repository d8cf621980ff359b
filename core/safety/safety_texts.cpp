#include "core/safety/safety_texts.h"

namespace storybot {
namespace {

std::string EnglishWait(std::int64_t seconds) {
  const std::int64_t minutes = std::max<std::int64_t>(1, (seconds + 59) / 60);
  if (minutes < 120) return minutes == 1 ? "1 minute" : std::to_string(minutes) + " minutes";
  return std::to_string((minutes + 59) / 60) + " hours";
}

std::string ChineseWait(std::int64_t seconds) {
  const std::int64_t minutes = std::max<std::int64_t>(1, (seconds + 59) / 60);
  if (minutes < 120) return std::to_string(minutes) + " 分钟";
  return std::to_string((minutes + 59) / 60) + " 小时";
}

}  // namespace

std::string OverLimitText(Language language, std::int64_t wait_seconds) {
  if (language == Language::kChinese) {
    return "你已经听了好多故事啦！让故事机器人休息一下吧，大约 " + ChineseWait(wait_seconds) +
           "后就可以再点新故事了。";
  }
  return "You have had lots of stories already! Let's give the storyteller a little rest — you "
         "can ask for a new story again in about " +
         EnglishWait(wait_seconds) + ".";
}

std::string FloodText(Language language) {
  if (language == Language::kChinese) {
    return "消息太多啦！我先休息一分钟，然后再回答大家。";
  }
  return "Whoa, that is a lot of messages! I will take a one-minute break and then answer again.";
}

std::string RefusalText(Language language) {
  if (language == Language::kChinese) {
    return "这个故事我不能讲哦。换个主题吧，比如可爱的小动物、太空旅行或者魔法森林？";
  }
  return "I can't write a story about that one. How about a different idea — friendly animals, a "
         "trip to space, or a magic forest?";
}

}  // namespace storybot
