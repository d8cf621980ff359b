#include "core/story/offline_storyteller.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace storybot {
namespace {

// splitmix64: tiny, fast, and the same on every platform, so stories are reproducible.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t Pick(std::size_t n) { return static_cast<std::size_t>(Next() % n); }

 private:
  std::uint64_t state_;
};

// FNV-1a: a stable hash (std::hash may differ between standard libraries).
std::uint64_t Hash(std::string_view text, std::uint64_t h = 0xCBF29CE484222325ULL) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// Placeholders in the phrase banks: {i} the hero's first mention, {h} the hero, {H} the hero at
// a sentence start, {c} the companion's name, {k} what the companion is, {s} the setting, {p} its
// short name, {t} the theme, {w} a time of day, {n} the chapter number.
struct Companion {
  const char* name;
  const char* kind;
  const char* trait;
  const char* help;
};

struct Setting {
  const char* place;
  const char* short_name;
};

struct Problem {
  const char* trouble;
  const char* fix;
};

// Both languages hold the same number of entries per slot, in the same order, so a cast picked
// by index reads the same in either language.
struct Bank {
  std::array<Companion, 10> companions;
  std::array<Setting, 10> settings;
  std::array<Problem, 10> problems;
  std::array<const char*, 8> times;
  std::array<const char*, 8> openings;
  std::array<const char*, 8> introductions;
  std::array<const char*, 8> troubles;
  std::array<const char*, 8> worries;
  std::array<const char*, 8> attempts;
  std::array<const char*, 8> ideas;
  std::array<const char*, 8> fixes;
  std::array<const char*, 8> celebrations;
  std::array<const char*, 8> evenings;  // a quiet moment before the closing line
  std::array<const char*, 8> closings;
  std::array<const char*, 8> recaps;
  std::array<const char*, 8> default_themes;
  const char* default_hero_intro;
  const char* default_hero;
  const char* named_hero_intro;  // {h} is the user's name here
};

const Bank kEnglish = {
    {{
        {"Pip", "a tiny silver fox", "Pip could hear a leaf land on the other side of the hill.",
         "Pip pricked up his sharp ears and listened until he knew exactly where to go."},
        {"Luna", "a gentle grey owl", "Luna knew the name of every star and never forgot a face.",
         "Luna flew high above to look, and called down softly to show the way."},
        {"Biscuit", "a clumsy golden puppy",
         "Biscuit tripped over his own paws a lot, but his nose was the best in the land.",
         "Biscuit sniffed the air, wagged his tail hard and led the way with his clever nose."},
        {"Tilly", "a chatty green turtle",
         "Tilly was slow, but she noticed everything that faster friends rushed past.",
         "Tilly took her time and spotted the one small detail everyone else had missed."},
        {"Bramble", "a little hedgehog with a red scarf",
         "Bramble was shy at first, but braver than anyone when a friend needed him.",
         "Bramble rolled into a prickly ball and bravely tumbled ahead to clear the path."},
        {"Nimbus", "a small cloud who could talk",
         "Nimbus floated beside them and giggled whenever the wind tickled her.",
         "Nimbus puffed herself up, floated high and gently showed them the way."},
        {"Sparky", "a friendly robot no bigger than a teapot",
         "Sparky beeped happily and kept a tiny toolbox in his tummy.",
         "Sparky opened the little toolbox in his tummy and found just the right tool."},
        {"Hazel", "a quick red squirrel",
         "Hazel could climb anything and loved to collect shiny acorns.",
         "Hazel scampered up the tallest tree to look around and shouted what she saw."},
        {"Coco", "a cheerful baby elephant",
         "Coco had big floppy ears and the loudest, happiest trumpet anyone had heard.",
         "Coco lifted the heavy things with her strong trunk as if they were feathers."},
        {"Wren", "a brave little bird",
         "Wren sang a new song every morning and was never, ever lost.",
         "Wren darted ahead, singing, so that they could follow her voice."},
    }},
    {{
        {"a little village at the edge of the Whispering Woods", "the village"},
        {"a lighthouse town beside the sparkling sea", "the town"},
        {"a cosy house at the top of Maple Hill", "Maple Hill"},
        {"a valley full of sunflowers", "the valley"},
        {"a floating island high above the clouds", "the island"},
        {"a busy city where the trams hummed songs", "the city"},
        {"a snowy mountain village where the chimneys smelled of cinnamon", "the mountain village"},
        {"a quiet farm with a crooked red barn", "the farm"},
        {"a garden so big that it had its own little river", "the garden"},
        {"a desert town where the stars shone brighter than anywhere else", "the desert town"},
    }},
    {{
        {"the great lantern that lit the way home for everyone in {p} had gone dark.",
         "found that the fireflies who lived in the lantern had moved out because their meadow "
         "had grown too noisy. They planted a quiet corner of wildflowers, and the fireflies came "
         "back and filled the lantern with golden light again."},
        {"all the colours had drained out of {p}. The roses were grey, the sky was grey, and "
         "even the ice cream was grey!",
         "followed a faint trail of colour to the old rainbow well, where a sleepy wind had put "
         "the lid on by mistake. Together they lifted the lid, and colour bubbled up and spilled "
         "back over everything."},
        {"a little bird had fallen from its nest and could not find its way back to its family.",
         "listened for the family's song, carried the little bird gently in a soft woolly hat and "
         "climbed the tall tree step by careful step until it was safely home."},
        {"the stream that watered every garden in {p} had stopped flowing, and the flowers were "
         "beginning to droop.",
         "found a pile of branches blocking the stream far up the hill. They cleared it one "
         "branch at a time, and the water rushed down, laughing and sparkling, to every thirsty "
         "flower."},
        {"the old clock had lost its chime, and without it nobody knew when to start the "
         "evening song.",
         "discovered that a tiny mouse had made a cosy bed inside the bell. They built the mouse "
         "an even cosier home in a teacup full of wool, and the bell rang out clear and happy "
         "once more."},
        {"a thick grey fog had rolled in and hidden every path in {p}.",
         "sang a song together, loud and steady, and their friends far away sang back. "
         "Following the voices step by step, they walked out of the fog into the warm evening "
         "light."},
        {"the baker's oven had gone cold on the morning of the big birthday picnic, and there "
         "was no cake.",
         "helped the baker stir honey, oats and berries together and made a no-bake cake so "
         "delicious that everyone asked for seconds."},
        {"a shy giant was sitting at the edge of {p}, sad because everyone ran away from him.",
         "walked right up and said hello. The giant only wanted a friend, so they taught him a "
         "clapping game, and soon everyone was laughing and playing it with him."},
        {"the stars had gone missing from the night sky, and the little ones of {p} could not "
         "fall asleep without them.",
         "climbed the tallest hill and found the stars playing hide-and-seek behind a cloud. They "
         "drew a chalk map of the sky, and one by one the stars twinkled their way home."},
        {"a strong wind had blown away every kite in {p}, just before the kite festival.",
         "followed the wind to a field of tall grass where all the kites lay tangled. They "
         "untangled every string with patient fingers and ran back just in time for the "
         "festival."},
    }},
    {"morning", "afternoon", "evening", "windy day", "rainy morning", "bright Saturday",
     "chilly evening", "sunny afternoon"},
    {
        "Once upon a time, in {s}, there lived {i} who loved {t} more than anything in the "
        "world. Every morning {h} woke up with a smile and a head full of questions about {t}.",
        "Long ago, in {s}, lived {i}. {H} could talk about {t} all day long, and often did, to "
        "anyone who would listen.",
        "Not so long ago and not so far away, in {s}, there was {i} with a big heart and a "
        "bigger imagination. Most of all, {h} dreamed about {t}.",
        "In {s}, where the days were gentle and the nights were full of stories, lived {i}. "
        "Ask {h} about {t}, and you would hear a hundred wonderful ideas.",
        "Far away, in {s}, there once lived {i}. Nothing made {h} happier than {t}, except "
        "perhaps a warm cup of cocoa before bed.",
        "This is a story from {s}, the home of {i}. {H} collected everything about {t}: "
        "drawings, stories and even a few very good guesses.",
        "Once, in {s}, there lived {i} who noticed the little things that other people missed. "
        "Lately, {h} had been thinking a lot about {t}.",
        "Every evening in {s}, the wind told stories. {H} listened more closely than anyone, "
        "because {h} hoped that one day a story about {t} would come true.",
    },
    {
        "{H} never went anywhere without {c}, {k}. {trait}",
        "{H}'s best friend was {k} called {c}. {trait}",
        "Wherever {h} went, {c} went too. {c} was {k}, and a very good friend. {trait}",
        "{H} shared every secret with {c}, {k}. {trait}",
        "Living next door was {c}, {k}, who had been {h}'s best friend for as long as anyone "
        "could remember. {trait}",
        "Most days, {h} played with {c}, {k}. {trait}",
        "{H} had a loyal friend: {c}, {k}. {trait}",
        "Of all the friends in {p}, the dearest was {c}, {k}. {trait}",
    },
    {
        "One {w}, {h} noticed that {trouble}",
        "But one {w}, {c} came running with worrying news: {trouble}",
        "Then, one {w}, trouble came to {p}: {trouble}",
        "Everything was peaceful until one {w}, when {h} discovered that {trouble}",
        "One {w}, just as {h} and {c} were setting off to play, they saw that {trouble}",
        "On a {w} that started like any other, {h} found out that {trouble}",
        "Early one {w}, the whole of {p} woke up to a surprise: {trouble}",
        "It happened on a {w}. {H} looked around and saw that {trouble}",
    },
    {
        "{H} and {c} looked at each other. Someone had to help, and they decided it would be "
        "them.",
        "\"We can fix this,\" said {h}, taking a deep breath. {c} nodded bravely.",
        "{c} looked worried, but {h} smiled and said, \"Let's try.\"",
        "Nobody else knew what to do, so {h} and {c} rolled up their sleeves.",
        "\"This is a job for us,\" {h} whispered, and {c} agreed at once.",
        "{H} felt a little scared, but being scared together is much easier than being scared "
        "alone.",
        "\"What shall we do?\" asked {c}. \"Something good,\" said {h}. \"Let's find out what.\"",
        "{H} and {c} made a promise to each other: they would not give up.",
    },
    {
        "First, {h} and {c} asked the wise old owl for advice, but the owl was fast asleep and "
        "only snored.",
        "First, they tried to fix everything as fast as they could, but rushing only made "
        "things more muddled.",
        "First, {c} suggested waiting to see if the trouble would go away by itself. They "
        "waited and waited, but nothing changed.",
        "First, {h} drew a careful plan in the sand, but the rain washed it away before they "
        "could finish.",
        "First, they knocked on every door in {p} to ask for help, but everyone was just as "
        "puzzled as they were.",
        "First, {h} tried being very, very brave and very, very loud, but the trouble did not "
        "seem to care.",
        "First, they looked in the big book of answers at the library, but the page they needed "
        "had been torn out long ago.",
        "First, {c} tried a clever trick, but it went wrong and they both ended up in a heap, "
        "giggling.",
    },
    {
        "Then {h} thought about {t}, and a little idea began to glow. \"We don't have to be "
        "fast,\" {h} said. \"We have to be kind and look closely.\"",
        "Sitting down on a mossy stone, {h} thought about {t}. Suddenly an idea arrived, as "
        "bright as a new coin.",
        "\"What would happen in a story about {t}?\" {c} asked. {H} smiled, because that was "
        "exactly the right question.",
        "{H} remembered something about {t}: the best things happen when friends work "
        "together. That gave them a plan.",
        "Thinking of {t} always made {h} feel brave, and now it made {h} clever too. \"I know "
        "what to do!\"",
        "{H} closed both eyes and pictured {t}. When {h} opened them again, the answer was "
        "right there.",
        "\"Remember {t}?\" said {c}. \"Let's be as patient as that.\" And suddenly they both "
        "knew what to try.",
        "Then {h} had an idea that had something to do with {t}, something to do with "
        "friendship, and everything to do with not giving up.",
    },
    {
        "{help} In the end, {h} and {c} {fix}",
        "{help} Step by step, the two friends {fix}",
        "{help} Working side by side, they {fix}",
        "{help} With a little luck and a lot of teamwork, they {fix}",
        "{help} Then {h} and {c} {fix}",
        "{help} Carefully and kindly, they {fix}",
        "{help} Together, {h} and {c} {fix}",
        "{help} Without ever giving up, they {fix}",
    },
    {
        "Everyone in {p} cheered, and that evening there was a party with warm bread, honey and "
        "songs about {t}.",
        "The whole of {p} came out to say thank you, and {h} felt as light as a feather.",
        "That night, {p} had a little parade, and {c} was allowed to walk right at the front.",
        "The grown-ups of {p} shook their heads in wonder. \"You two,\" they said, \"are "
        "something special.\"",
        "There were hugs, there was cocoa, and there was a great deal of happy dancing.",
        "{c} did a little happy dance, and {h} laughed until both of them had to sit down.",
        "The neighbours brought cakes and lemonade, and everyone told the story again and again.",
        "A rainbow appeared over {p}, as if the sky itself wanted to say well done.",
    },
    {
        "Later, the sky over {p} turned pink and gold, and the first stars peeked out to see "
        "what all the fuss had been about.",
        "As the day grew quiet, {h} and {c} sat on a low wall, swinging their feet and sharing "
        "a crunchy apple.",
        "When the evening came, the windows of {p} glowed one by one like friendly eyes.",
        "On the way home, {c} hummed a little tune, and {h} joined in with the words.",
        "By bedtime, the whole adventure felt like a warm blanket: cosy, safe and a little bit "
        "magical.",
        "The moon rose slowly over {p}, round and kind, as if it had been watching all along.",
        "That evening, {h} drew a picture of the whole adventure and gave it to {c} as a present.",
        "Soft crickets began to sing in the grass, and the air smelled of warm bread and "
        "flowers.",
    },
    {
        "That night, {h} fell asleep smiling, dreaming of {t} and of the next adventure with "
        "{c}. The end.",
        "And from that day on, whenever anyone in {p} talked about {t}, they also talked about "
        "{h} and {c}. The end.",
        "Kindness, {h} had learned, is a kind of magic that anyone can do. Goodnight, and sweet "
        "dreams.",
        "{H} and {c} watched the sun go down over {p}, already wondering what tomorrow would "
        "bring. The end.",
        "Some adventures are big and some are small, but the best ones are shared with a "
        "friend. The end.",
        "And somewhere in {p}, {c} is still telling everyone how brave {h} was. The end.",
        "So if you ever find yourself thinking about {t}, remember {h} and {c}, and be brave "
        "and kind. Goodnight.",
        "{H} yawned a great big yawn, hugged {c} goodnight, and dreamed of {t} until morning. "
        "The end.",
    },
    {
        "Do you remember {h} and {c}, {k}, from {s}? Their adventures were not over yet.",
        "Last time, {h} and {c} saved the day in {p}. But a new adventure was already waiting "
        "just around the corner.",
        "After their last adventure, {h} and {c} had rested, eaten a lot of pancakes and told "
        "the story to everyone in {p}. Now something new was about to happen.",
        "Life in {p} had been calm since the last adventure, and {h} and {c} still talked about "
        "{t} every day.",
        "{H} and {c} thought their adventures in {p} were over. They were wrong, in the best "
        "possible way.",
        "You may remember {s}, and the two best friends who lived there: {h} and {c}. Here is "
        "what happened next.",
        "The sun rose over {p} once again, and {h} and {c} were ready for whatever the day would "
        "bring.",
        "Every good story has another chapter, and the story of {h} and {c} from {p} is no "
        "different.",
    },
    {"friendship", "the stars", "kindness", "rainbows", "the sea", "tiny snails", "music",
     "autumn leaves"},
    "a curious child",
    "the child",
    "{h}",
};

const Bank kChinese = {
    {{
        {"豆豆", "一只小银狐", "豆豆的耳朵特别灵，连山那边一片树叶落地的声音都听得见。",
         "豆豆竖起尖尖的耳朵，仔细地听啊听，很快就知道该往哪里走了。"},
        {"露露", "一只温柔的灰色猫头鹰", "露露认识天上每一颗星星，见过的朋友从来不会忘记。",
         "露露飞到高高的天上看了看，轻轻地叫着，给大家指路。"},
        {"饼干", "一只笨手笨脚的金色小狗", "饼干常常被自己的爪子绊倒，可是它的鼻子是全世界最灵的。",
         "饼干使劲嗅了嗅，尾巴摇得飞快，用它聪明的鼻子带路。"},
        {"壳壳", "一只爱聊天的绿色小海龟", "壳壳走路很慢，可是别人匆匆错过的东西，它全都看得见。",
         "壳壳不慌不忙地看了又看，发现了一个大家都没注意到的小细节。"},
        {"刺刺", "一只围着红围巾的小刺猬",
         "刺刺一开始有点害羞，可是朋友需要帮忙的时候，它比谁都勇敢。",
         "刺刺把自己团成一个小刺球，勇敢地滚在前面开路。"},
        {"棉花糖", "一朵会说话的小白云", "棉花糖总是飘在大家身边，风一挠它，它就咯咯地笑。",
         "棉花糖把自己鼓得圆圆的，飘到高处，温柔地给大家指路。"},
        {"小铁", "一个和茶壶差不多大的友好机器人",
         "小铁高兴的时候会嘀嘀叫，肚子里还藏着一个小工具箱。",
         "小铁打开肚子里的小工具箱，正好找到了最合适的工具。"},
        {"枫枫", "一只机灵的红松鼠", "枫枫什么都能爬上去，最喜欢收集亮晶晶的橡果。",
         "枫枫一溜烟爬上最高的树，四处看了看，大声喊出它看到的东西。"},
        {"嘟嘟", "一头快乐的小象", "嘟嘟有一对软软的大耳朵，它的叫声是大家听过最响亮、最快乐的。",
         "嘟嘟用有力的长鼻子把重重的东西卷起来，好像它们轻得像羽毛一样。"},
        {"啾啾", "一只勇敢的小鸟", "啾啾每天早上都会唱一首新歌，而且从来、从来不会迷路。",
         "啾啾飞在前面唱着歌，大家跟着它的歌声往前走。"},
    }},
    {{
        {"低语森林边上的一个小村庄", "小村庄"},
        {"闪闪发光的大海边的灯塔小镇", "灯塔小镇"},
        {"枫树山顶上的一座温暖小屋", "枫树山"},
        {"开满向日葵的山谷", "山谷"},
        {"云朵上面的一座漂浮小岛", "小岛"},
        {"电车会哼歌的热闹城市", "城市"},
        {"烟囱里飘着桂皮香味的雪山村", "雪山村"},
        {"有一座歪歪的红色谷仓的安静农场", "农场"},
        {"大得有一条小河流过的花园", "花园"},
        {"星星比哪里都亮的沙漠小镇", "沙漠小镇"},
    }},
    {{
        {"为大家照亮回家路的大灯笼突然不亮了。",
         "发现住在灯笼里的萤火虫搬走了，因为它们的草地变得太吵了。两个好朋友种下了一片安静的野花，"
         "萤火虫们高高兴兴地飞了回来，又把灯笼照得金灿灿的。"},
        {"{p}所有的颜色都不见了。玫瑰是灰的，天空是灰的，连冰淇淋都是灰的！",
         "顺着一条淡淡的彩色小路，找到了古老的彩虹井，原来是一阵迷迷糊糊的风不小心把井盖盖上了。"
         "他们一起把井盖抬起来，颜色就咕嘟咕嘟地冒出来，洒回了每一个地方。"},
        {"一只小鸟从窝里掉了下来，找不到回家的路了。",
         "仔细听着小鸟一家的歌声，用一顶软软的毛线帽轻轻地捧着小鸟，一步一步小心地爬上大树，"
         "终于把它平平安安地送回了家。"},
        {"浇灌{p}每一座花园的小溪突然不流了，花儿都开始耷拉着脑袋。",
         "在山上找到了一大堆挡住溪水的树枝。他们一根一根地把树枝搬开，溪水哗啦啦地笑着流下山，"
         "流到了每一朵口渴的花儿身边。"},
        {"那座老钟不响了，没有钟声，大家都不知道什么时候该唱晚安歌。",
         "发现一只小老鼠在钟里铺了一张舒服的小床。他们用装满毛线的茶杯给小老鼠做了一个更舒服的新家"
         "，"
         "老钟又清清脆脆、快快乐乐地响了起来。"},
        {"一场厚厚的灰雾飘进了{p}，把所有的小路都藏了起来。",
         "一起大声地、稳稳地唱起歌来，远处的朋友们也唱歌回应他们。跟着歌声一步一步地走，"
         "他们终于走出了大雾，走进了温暖的晚霞里。"},
        {"在大家盼望已久的生日野餐那天早上，面包师的烤箱凉了，蛋糕做不成了。",
         "帮面包师把蜂蜜、燕麦和浆果搅在一起，做出了一个不用烤的蛋糕，好吃得每个人都想再来一块。"},
        {"一个害羞的巨人坐在{p}的边上难过，因为大家一看见他就跑开了。",
         "走过去对他说：“你好！”原来巨人只是想要一个朋友。他们教巨人玩拍手游戏，"
         "很快大家都笑着和他一起玩了起来。"},
        {"夜空里的星星都不见了，{p}的小宝宝们没有星星就睡不着觉。",
         "爬上最高的山，发现星星们躲在一朵云后面玩捉迷藏，忘了回去的路。他们用粉笔画了一张星空地图"
         "，"
         "星星们一颗接一颗，眨着眼睛回到了天上。"},
        {"一阵大风在风筝节前把{p}所有的风筝都吹跑了。",
         "跟着风来到一片高高的草地，所有的风筝都缠在那里。他们用耐心的小手把每一根线都解开，"
         "正好赶在风筝节开始前跑了回去。"},
    }},
    {"早上", "下午", "傍晚", "刮风的日子", "下雨的早上", "阳光灿烂的星期六", "凉飕飕的晚上",
     "暖洋洋的下午"},
    {
        "很久很久以前，在{s}里，住着{i}。{H}最喜欢{t}了，每天早上醒来，脑袋里都装满了关于{t}"
        "的问题。",
        "从前，在{s}里，住着{i}。{H}一说起{t}就停不下来，见到谁都要讲上好一会儿。",
        "不久以前，在不太远的{s}里，有{i}，心地特别好，想象力更是大得不得了。{H}最常梦见的，就是{t}"
        "。",
        "在{s}里，白天总是温温柔柔的，夜晚总是装满了故事。那里住着{i}。只要问起{t}，{h}"
        "就能说出一百个奇妙的想法。",
        "在很远很远的{s}里，住着{i}。世界上没有什么比{t}更让{h}"
        "开心的了，也许睡前的一杯热可可除外。",
        "这是一个发生在{s}的故事，那里是{i}的家。{H}收集了所有和{t}"
        "有关的东西：图画、故事，还有好多好多奇妙的猜想。",
        "从前，在{s}里，住着{i}，{h}总能发现别人没注意到的小东西。最近，{h}一直在想着{t}。",
        "每天晚上，{s}的风都会讲故事。{H}听得比谁都认真，因为{h}盼望着有一天，一个关于{t}"
        "的故事会变成真的。",
    },
    {
        "{H}去哪儿都带着{c}，{c}是{k}。{trait}",
        "{H}最好的朋友是{k}，名叫{c}。{trait}",
        "{h}走到哪里，{c}就跟到哪里。{c}是{k}，也是一个特别好的朋友。{trait}",
        "{H}有什么小秘密，都会悄悄告诉{c}——{k}。{trait}",
        "住在隔壁的是{k}{c}，从大家记事起，{c}就是{h}最好的朋友。{trait}",
        "{H}几乎每天都和{c}一起玩，{c}是{k}。{trait}",
        "{H}有一个忠实的好朋友：{k}{c}。{trait}",
        "在{p}所有的朋友里，{h}最亲的就是{k}{c}。{trait}",
    },
    {
        "一个{w}，{h}发现{trouble}",
        "可是一个{w}，{c}急急忙忙地跑来，带来了一个坏消息：{trouble}",
        "后来，在一个{w}，{p}遇到了麻烦：{trouble}",
        "一切都很平静，直到一个{w}，{h}发现{trouble}",
        "一个{w}，{h}和{c}正要出门去玩，却看见{trouble}",
        "那是一个普普通通的{w}，可是{h}忽然发现{trouble}",
        "一个{w}，整个{p}醒来都吃了一惊：{trouble}",
        "事情发生在一个{w}。{H}往四周一看，发现{trouble}",
    },
    {
        "{H}和{c}互相看了看。总得有人去帮忙，他们决定就是自己。",
        "“我们能解决的。”{h}深深地吸了一口气说。{c}勇敢地点了点头。",
        "{c}看起来有点担心，可是{h}笑着说：“我们试试吧！”",
        "别人都不知道该怎么办，于是{h}和{c}卷起了袖子。",
        "“这件事交给我们吧。”{h}小声说，{c}马上就答应了。",
        "{H}心里有一点点害怕，可是两个人一起害怕，就比一个人害怕容易多了。",
        "“我们该怎么办呢？”{c}问。“做一件好事，”{h}说，“我们一起想办法。”",
        "{H}和{c}互相约定：无论如何都不放弃。",
    },
    {
        "一开始，{h}和{c}去问聪明的老猫头鹰，可是老猫头鹰睡得正香，只会打呼噜。",
        "一开始，他们想越快越好地把事情解决，可是一着急，事情反而变得更乱了。",
        "一开始，{c}说也许等一等，麻烦自己就会走开。他们等啊等，可是什么都没有变。",
        "一开始，{h}在沙地上认认真真地画了一个计划，可是还没画完，一场雨就把它冲掉了。",
        "一开始，他们敲遍了{p}的每一扇门去请人帮忙，可是大家和他们一样，都不知道该怎么办。",
        "一开始，{h}想要特别特别勇敢、特别特别大声，可是麻烦好像一点儿也不在乎。",
        "一开始，他们去图书馆翻那本厚厚的答案书，可是他们需要的那一页早就被撕掉了。",
        "一开始，{c}想了一个聪明的小把戏，结果弄砸了，两个好朋友摔成一团，咯咯地笑个不停。",
    },
    {
        "这时，{h}想起了{t}，心里亮起了一个小小的主意。“我们不用很快，”{h}"
        "说，“我们要温柔，还要看仔细。”",
        "{H}坐在一块长满青苔的石头上，想着{t}。忽然，一个主意冒了出来，亮得像一枚新硬币。",
        "“如果是一个关于{t}的故事，接下来会发生什么呢？”{c}问。{h}笑了，因为这正是最好的问题。",
        "{H}想起了{t}，也想起了一个道理：好朋友一起努力，就会有好事发生。他们有了一个计划。",
        "一想到{t}，{h}就觉得勇敢，现在还觉得自己变聪明了。“我知道该怎么办了！”",
        "{H}闭上眼睛，想象着{t}的样子。等{h}睁开眼睛，答案就在眼前。",
        "“还记得{t}吗？”{c}说，“我们也要那样有耐心。”一下子，他们都知道该怎么做了。",
        "这时，{h}想到了一个主意，它和{t}有一点关系，和友谊有一点关系，和永不放弃有很大的关系。",
    },
    {
        "{help}最后，{h}和{c}{fix}",
        "{help}两个好朋友一步一步地{fix}",
        "{help}他们肩并着肩，{fix}",
        "{help}靠着一点点运气和好多好多的合作，他们{fix}",
        "{help}接着，{h}和{c}{fix}",
        "{help}他们小心又温柔地{fix}",
        "{help}{h}和{c}一起{fix}",
        "{help}他们一次也没有放弃，{fix}",
    },
    {
        "{p}的每个人都欢呼起来。那天晚上，大家开了一个派对，有热乎乎的面包、甜甜的蜂蜜，还有关于{t}"
        "的歌。",
        "整个{p}的人都出来说谢谢，{h}觉得自己轻得像一根羽毛。",
        "那天晚上，{p}举行了一个小小的游行，{c}还走在了最前面。",
        "{p}的大人们惊奇地摇着头说：“你们两个呀，真是了不起！”",
        "大家拥抱，大家喝热可可，大家开开心心地跳了好久的舞。",
        "{c}跳了一支快乐的小舞，{h}笑得坐在了地上。",
        "邻居们送来了蛋糕和柠檬水，每个人都把这个故事讲了一遍又一遍。",
        "一道彩虹出现在{p}的上空，好像天空也在说：“做得好！”",
    },
    {
        "后来，{p}的天空变成了粉红色和金黄色，第一颗星星探出头来，好奇地看看刚才发生了什么事。",
        "天慢慢安静下来，{h}和{c}坐在矮矮的墙头上，晃着小脚，一起分吃一个脆脆的大苹果。",
        "傍晚到了，{p}的窗户一扇接一扇地亮起来，像一双双友好的眼睛，温柔地眨呀眨。",
        "回家的路上，{c}轻轻地哼着一支小曲，{h}也跟着唱了起来，歌声飘得很远很远。",
        "到了睡觉的时候，这次冒险就像一条暖暖的毯子，又舒服，又安心，还有一点点神奇。",
        "圆圆的月亮慢慢爬上了{p}的天空，好像它一直都在悄悄地看着这两个好朋友。",
        "那天晚上，{h}把整个冒险画成了一幅画，送给了{c}，{c}高兴得一晚上都舍不得放下。",
        "草丛里的蟋蟀开始轻轻地唱歌，空气里飘着热面包和小花的香味，一切都那么美好。",
    },
    {
        "那天晚上，{h}笑着睡着了，梦里有{t}，还有和{c}的下一次冒险。故事讲完了，晚安。",
        "从那天起，{p}的人一说起{t}，就会说起{h}和{c}。故事讲完了。",
        "{H}明白了，善良是一种每个人都会的魔法。晚安，做个好梦。",
        "{H}和{c}看着太阳在{p}慢慢落下，已经开始想明天会发生什么了。故事讲完了。",
        "冒险有大有小，可是最好的冒险，都是和好朋友一起经历的。故事讲完了。",
        "直到今天，{c}还在{p}告诉每一个人，{h}有多么勇敢。故事讲完了。",
        "所以，如果你也想起了{t}，就想想{h}和{c}，做一个勇敢又善良的孩子吧。晚安。",
        "{H}打了一个大大的哈欠，抱了抱{c}说晚安，然后梦见{t}一直到天亮。故事讲完了。",
    },
    {
        "还记得{s}里的{h}和{c}吗？{c}是{k}。他们的冒险还没有结束呢。",
        "上一次，{h}和{c}在{p}帮了大家一个大忙。可是，一个新的冒险已经在拐角处等着他们了。",
        "上次冒险以后，{h}和{c}好好休息了几天，吃了好多松饼，还把故事讲给{p}"
        "的每一个人听。现在，又有新鲜事要发生了。",
        "上次冒险以后，{p}一直很平静，{h}和{c}每天还是会聊起{t}。",
        "{H}和{c}以为他们在{p}的冒险已经结束了。他们想错了，而且错得刚刚好。",
        "你也许还记得{s}，还有住在那里的两个好朋友：{h}和{c}。接下来发生了这样的事。",
        "太阳又一次从{p}升起，{h}和{c}已经准备好迎接新的一天了。",
        "每个好故事都有下一章，{p}的{h}和{c}的故事也一样。",
    },
    {"友谊", "星星", "善良", "彩虹", "大海", "小蜗牛", "音乐", "秋天的落叶"},
    "一个好奇的小朋友",
    "小朋友",
    "一个名叫{h}的孩子",
};

// The code point of a well-formed sequence of `n` bytes.
std::uint32_t Decode(std::string_view s, std::size_t pos, std::size_t n) {
  const auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + i]));
  };
  if (n == 1) return b(0);
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// Marks that end the theme's phrase: "dragons. Make it funny" is about dragons.
bool EndsPhrase(std::uint32_t cp) {
  switch (cp) {
    case '.':
    case '!':
    case '?':
    case ',':
    case ';':
    case ':':
    case '\n':
    case 0x3002:
    case 0xFF01:
    case 0xFF1F:
    case 0xFF0C:
    case 0xFF1B:
    case 0xFF1A:
    case 0x3001:
      return true;
    default:
      return false;
  }
}

// What may appear in a name or theme: letters, digits, spaces, - and ' and any non-ASCII
// character except replacement, control and invisible formatting ones. Markup, braces and quotes
// are dropped so user text cannot look like a placeholder or break a channel's formatting.
bool IsKept(std::uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '-' || cp == '\'';
  }
  if (cp < 0xA0 || cp == 0xFFFD || cp == 0xFEFF) return false;
  if (cp >= 0x200B && cp <= 0x200F) return false;
  if (cp >= 0x2028 && cp <= 0x202E) return false;
  if (cp >= 0x2060 && cp <= 0x206F) return false;
  return !(cp >= 0x3000 && cp <= 0x303F) && !(cp >= 0xFF00 && cp <= 0xFF0F) &&
         !(cp >= 0xFF1A && cp <= 0xFF20);  // CJK punctuation
}

// Kept characters of `text` up to the first phrase end, single-spaced and trimmed.
std::string Clean(std::string_view text) {
  const std::string valid = utf8::Sanitize(text.substr(0, 4096));  // themes are short
  std::string out;
  bool space = false;
  for (std::size_t pos = 0; pos < valid.size();) {
    const std::size_t n = utf8::SequenceLength(valid, pos);
    const std::uint32_t cp = Decode(valid, pos, n);
    if (EndsPhrase(cp) && !out.empty()) break;
    if (IsKept(cp)) {
      if (space && !out.empty()) out += ' ';
      out.append(valid, pos, n);
      space = false;
    } else {
      space = true;
    }
    pos += n;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// At most `words` words and `chars` code points, cut at a word end when there is one.
std::string Truncate(std::string text, std::size_t words, std::size_t chars) {
  std::size_t count = 0;
  std::size_t spaces = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (text[pos] == ' ' && ++spaces == words) return text.substr(0, pos);
    const std::size_t n = utf8::SequenceLength(text, pos);
    if (++count > chars) {
      const std::size_t space = text.rfind(' ', pos);
      return text.substr(0, space == std::string::npos ? pos : space);
    }
    pos += n;
  }
  return text;
}

// The subject of a request: "Tell me a story about dragons, please" → "dragons",
// "讲一个关于月亮的故事" → "月亮". Empty when the text names none.
std::string ExtractTheme(std::string_view request, bool whole_text_is_theme,
                         std::size_t max_words = 6, std::size_t max_chars = 40) {
  std::string_view text = request.substr(0, 4096);
  const std::string lower = Lower(text);
  const std::size_t about = lower.find("about ");
  const std::size_t guanyu = text.find("关于");
  if (about != std::string::npos && (about == 0 || lower[about - 1] == ' ')) {
    text = text.substr(about + 6);
  } else if (guanyu != std::string_view::npos) {
    text = text.substr(guanyu + std::string_view("关于").size());
  } else if (!whole_text_is_theme) {
    return {};
  }
  std::string theme = Clean(text);
  static constexpr std::array<std::string_view, 40> kPrefixes = {
      "please ",  "can you ", "could you ", "would you ", "tell me ", "tell us ",      "write me ",
      "write ",   "make up ", "make ",      "give me ",   "i want ",  "i would like ", "i'd like ",
      "read me ", "another ", "a bedtime ", "bedtime ",   "a short ", "short ",        "a funny ",
      "funny ",   "a story ", "a tale ",    "story ",     "tale ",    "stories ",      "about ",
      "of ",      "on ",      "for me ",    "me ",        "请",       "给我讲",        "给我们讲",
      "讲一个",   "讲个",     "说一个",     "写一个",     "我想听"};
  static constexpr std::array<std::string_view, 9> kSuffixes = {
      " please", " story", " a story", "的故事", "故事", "吧", "呀", "的童话", "童话"};
  for (bool changed = true; changed && !theme.empty();) {
    changed = false;
    const std::string low = Lower(theme);
    for (const std::string_view prefix : kPrefixes) {
      if (StartsWith(low, prefix)) {
        theme.erase(0, prefix.size());
        changed = true;
        break;
      }
    }
    for (const std::string_view suffix : kSuffixes) {
      if (!changed && EndsWith(Lower(theme), suffix)) {
        theme.erase(theme.size() - suffix.size());
        changed = true;
      }
    }
    while (!theme.empty() && theme.front() == ' ') theme.erase(0, 1);
    while (!theme.empty() && theme.back() == ' ') theme.pop_back();
  }
  const std::string low = Lower(theme);
  if (low == "story" || low == "a story" || low == "stories" || theme == "一个") return {};
  return Truncate(std::move(theme), max_words, max_chars);
}

// Replaces {x} placeholders; unknown ones are left as they are.
std::string Fill(std::string_view pattern,
                 const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  for (std::size_t pos = 0; pos < pattern.size();) {
    if (pattern[pos] == '{') {
      const std::size_t close = pattern.find('}', pos);
      if (close != std::string_view::npos) {
        const std::string_view key = pattern.substr(pos + 1, close - pos - 1);
        bool found = false;
        for (const auto& [name, value] : values) {
          if (name == key) {
            out += value;
            found = true;
            break;
          }
        }
        if (found) {
          pos = close + 1;
          continue;
        }
      }
    }
    out += pattern[pos++];
  }
  return out;
}

std::string Capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  }
  return text;
}

std::string ChineseNumber(int n) {
  static constexpr std::array<std::string_view, 10> kDigits = {"零", "一", "二", "三", "四",
                                                               "五", "六", "七", "八", "九"};
  if (n < 1 || n > 99) return std::to_string(n);
  std::string out;
  if (n >= 20) out += kDigits[static_cast<std::size_t>(n / 10)];
  if (n >= 10) out += "十";
  if (n % 10 != 0) out += kDigits[static_cast<std::size_t>(n % 10)];
  return out;
}

// The order in which a cast meets its problems, chapter after chapter: no repeats for 10.
std::array<std::size_t, 10> ProblemOrder(Rng& rng) {
  std::array<std::size_t, 10> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.Pick(i + 1)]);
  return order;
}

// ---- The premise: what the admin's prompt sets up -------------------------------------------

// What a rendered prompt says about the story, read with a few patterns (not a parser: prompts
// are free text, and anything not found is filled in from the banks).
struct Premise {
  std::string opening;        // its narrative sentences, as written: the story starts with them
  std::string subject;        // an instruction's subject: "Write a story about X" → X
  std::string creature;       // "a talking cat" / "一只会说话的猫"
  std::string creature_the;   // "the talking cat" / "这只会说话的猫"
  std::string creature_name;  // "Zog" in "a dragon named Zog"; else empty
  std::string place;          // "a castle made of clouds" / "海底的城堡"
  std::string place_short;    // "the castle" / "城堡"
};

bool IsIdeographCp(std::uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

// Whether a sentence is Chinese: ideographs, and more of them than Latin words would have
// letters ("Write a story for 小明" is English with a Chinese name).
bool IsChineseSentence(std::string_view text) {
  std::size_t ideographs = 0, latin = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8::SequenceLength(text, pos));
    const std::uint32_t cp = n > 1 ? Decode(text, pos, n) : static_cast<unsigned char>(text[pos]);
    if (IsIdeographCp(cp)) ++ideographs;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) ++latin;
    pos += n;
  }
  return ideographs > 0 && ideographs * 3 >= latin;
}

// Code points of `text` (well-formed, as Sanitize leaves it).
std::vector<std::string> CodePoints(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8::SequenceLength(text, pos));
    out.emplace_back(text.substr(pos, n));
    pos += n;
  }
  return out;
}

// The prompt's text made safe to quote: valid UTF-8, no control characters or markup, single
// spaces. Sentences end after . ! ? 。！？ (and a closing quote) or a line break.
std::vector<std::string> Sentences(std::string_view premise) {
  const std::string valid = utf8::Sanitize(premise.substr(0, 2000));
  std::vector<std::string> out;
  std::string current;
  const auto finish = [&] {
    while (!current.empty() && current.back() == ' ') current.pop_back();
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  bool ended = false;  // the last character ended a sentence; a closing quote may follow
  for (std::size_t pos = 0; pos < valid.size();) {
    const std::size_t n = utf8::SequenceLength(valid, pos);
    const std::uint32_t cp = Decode(valid, pos, n);
    const std::string_view ch(valid.data() + pos, n);
    pos += n;
    const bool closing_quote = cp == '"' || cp == 0x201D || cp == 0x2019 || cp == 0x300D;
    if (ended && !closing_quote) finish();
    ended = false;
    if (cp == '\n' || cp == '\r') {
      finish();
      continue;
    }
    if (cp == '<') {  // an HTML tag goes as a whole: "<b>Ada</b>" is "Ada"
      const std::size_t close = valid.find('>', pos);
      if (close != std::string::npos && close - pos < 64) pos = close + 1;
      continue;
    }
    if (cp < 0x80 &&
        std::string_view("<>{}[]*_`|\\~#^").find(static_cast<char>(cp)) != std::string_view::npos) {
      continue;  // markup: dropped, so that a prompt cannot format or template the story
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD || cp == 0xFEFF ||
        (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
        (cp >= 0x2060 && cp <= 0x206F)) {
      if (!current.empty() && current.back() != ' ') current += ' ';
      continue;
    }
    if (cp == ' ' || cp == '\t') {
      if (!current.empty() && current.back() != ' ') current += ' ';
      continue;
    }
    current += ch;
    ended = cp == '.' || cp == '!' || cp == '?' || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
  }
  finish();
  return out;
}

// Lower-cased ASCII words of an English text; other characters separate words, and
// punctuation is a "." word (a phrase never runs past it).
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || c == '-') {
      word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      if (std::string_view(".,;:!?").find(c) != std::string_view::npos) words.emplace_back(".");
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool OneOf(std::string_view word, std::initializer_list<std::string_view> words) {
  for (const std::string_view w : words) {
    if (word == w) return true;
  }
  return false;
}

// An instruction to the storyteller ("Write a story about …", "请讲一个…") rather than a story.
bool IsInstruction(std::string_view sentence, bool zh) {
  if (zh) {
    for (const std::string_view verb : {"讲", "请", "给", "写", "用", "要", "以", "让", "不要",
                                        "注意", "结尾", "字数", "语言", "适合", "编", "故事"}) {
      if (sentence.starts_with(verb)) return true;
    }
    return sentence.find("关于") != std::string_view::npos &&
           sentence.find("故事") != std::string_view::npos;
  }
  std::vector<std::string> words = Words(sentence);
  std::erase(words, ".");
  if (words.empty()) return true;
  if (OneOf(words[0],
            {"tell",  "write",   "make",    "create", "compose", "generate", "give",    "use",
             "keep",  "include", "end",     "start",  "begin",   "please",   "avoid",   "do",
             "don't", "add",     "mention", "let",    "answer",  "reply",    "respond", "aim"})) {
    return true;
  }
  for (std::size_t i = 0; i < words.size() && i < 5; ++i) {
    if (OneOf(words[i], {"story", "stories", "tale", "tales", "bedtime", "reader", "words"})) {
      return true;
    }
  }
  return false;
}

// Words that end a noun phrase: "a dragon who …" is "a dragon".
bool EndsNounPhrase(std::string_view w) {
  return OneOf(
      w, {".",       "who",     "that",   "which", "and",   "with",  "in",     "on",     "at",
          "from",    "named",   "called", "to",    "was",   "is",    "were",   "are",    "had",
          "has",     "for",     "of",     "by",    "near",  "under", "behind", "inside", "whose",
          "because", "but",     "so",     "when",  "while", "where", "into",   "beside", "over",
          "across",  "through", "once",   "one",   "lived", "lives", "said",   "says",   "asked",
          "looked",  "wanted",  "wants",  "could", "would", "will",  "can",    "did",    "does",
          "then",    "there",   "as"});
}

// Original-case words of `sentence`, for quoting what a pattern found.
std::vector<std::string> CasedWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || c == '-') {
      word += c;
    } else {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      if (std::string_view(".,;:!?").find(c) != std::string_view::npos) words.emplace_back(".");
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string Join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (!out.empty()) out += ' ';
    out += words[i];
  }
  return out;
}

// The English creature and place of a premise.
void ReadEnglish(std::string_view text, Premise& premise) {
  const std::vector<std::string> lower = Words(text);
  const std::vector<std::string> cased = CasedWords(text);
  if (lower.size() != cased.size()) return;
  const auto noun_end = [&](std::size_t from, std::size_t max) {
    std::size_t end = from;
    while (end < lower.size() && end - from < max && !EndsNounPhrase(lower[end])) ++end;
    return end;
  };
  const auto not_a_creature = [](std::string_view head) {
    return OneOf(
        head, {"time", "day",       "morning", "night",  "evening", "afternoon", "while",  "story",
               "tale", "adventure", "way",     "bit",    "lot",     "dream",     "moment", "child",
               "girl", "boy",       "kid",     "little", "big",     "friend",    "place"});
  };
  // 1. "a dragon named Zog"; 2. "met a dragon"; 3. "about a dragon who"; 4. "with a dragon".
  int best_rank = 99;
  for (std::size_t i = 1; i + 1 < lower.size(); ++i) {
    if (!OneOf(lower[i], {"a", "an"})) continue;
    const std::size_t end = noun_end(i + 1, 4);
    if (end == i + 1 || not_a_creature(lower[end - 1])) continue;
    const std::string_view before = lower[i - 1];
    int rank = 99;
    std::string name;
    if (end + 1 < lower.size() && OneOf(lower[end], {"named", "called"})) {
      rank = 1;
      name = cased[end + 1];
    } else if (OneOf(before,
                     {"met",   "meets",      "meet",      "meeting",    "found",     "finds",
                      "find",  "befriended", "befriends", "discovered", "discovers", "saw",
                      "sees",  "rescued",    "rescues",   "adopted",    "adopts",    "helped",
                      "helps", "visited",    "visits"})) {
      rank = 2;
    } else if (before == "about" && end < lower.size() &&
               OneOf(lower[end], {"who", "that", "which", "whose"})) {
      rank = 3;
    } else if (OneOf(before, {"with", "and"})) {
      rank = 4;
    }
    if (rank >= best_rank) continue;
    best_rank = rank;
    const std::string noun = Join(cased, i + 1, end);
    premise.creature = lower[i] + " " + noun;
    premise.creature_the = "the " + noun;
    if (!name.empty()) name[0] = static_cast<char>(std::toupper(name[0]));
    premise.creature_name = name;
  }
  // A place: "in a castle made of clouds", "on the moon".
  for (std::size_t i = 0; i + 2 < lower.size(); ++i) {
    if (!OneOf(lower[i], {"in", "at", "on", "near", "beside", "inside", "under", "to"})) continue;
    if (!OneOf(lower[i + 1], {"a", "an", "the"})) continue;
    std::size_t end = i + 2;
    std::size_t head = 0;  // the first run's last word: "castle" in "a castle made of clouds"
    while (end < lower.size() && end - i < 8) {
      const std::string& w = lower[end];
      if (OneOf(w, {"of", "made", "full"})) {
        if (head == 0) head = end - 1;
      } else if (EndsNounPhrase(w)) {
        break;
      }
      ++end;
    }
    if (head == 0) head = end - 1;
    if (end <= i + 2 || head < i + 2) continue;
    if (OneOf(lower[head], {"edge", "middle", "top", "bottom", "heart", "side", "foot", "corner",
                            "centre", "center"})) {
      head = end - 1;
    }
    if (OneOf(lower[end - 1], {"of", "made", "full", "the", "a", "an"})) continue;
    if (OneOf(lower[head], {"morning", "evening", "night", "day", "afternoon", "time", "hurry",
                            "while", "moment", "way", "end", "world", "spring", "summer", "autumn",
                            "winter", "dark", "sky", "air"})) {
      continue;
    }
    premise.place = Join(cased, i + 1, end);
    premise.place_short = "the " + cased[head];
    break;
  }
}

// The Chinese creature and place of a premise.
void ReadChinese(std::string_view text, Premise& premise) {
  const std::vector<std::string> cps = CodePoints(text);
  const auto is_punct = [](const std::string& c) {
    return c.size() == 1 || c == "，" || c == "。" || c == "！" || c == "？" || c == "、" ||
           c == "；" || c == "：" || c == "“" || c == "”" || c == "‘" || c == "’" || c == "「" ||
           c == "」";
  };
  const auto at = [&](std::size_t i, std::string_view word) {  // cps[i..] starts with `word`
    std::string joined;
    for (std::size_t j = i; j < cps.size() && joined.size() < word.size(); ++j) joined += cps[j];
    return joined.starts_with(word);
  };
  // A creature: 一只/一条/一头/一匹 …, or 一个/一位 … after 遇见 and the like.
  for (std::size_t i = 0; i + 2 < cps.size(); ++i) {
    if (cps[i] != "一") continue;
    const std::string& measure = cps[i + 1];
    const bool animal = measure == "只" || measure == "条" || measure == "头" || measure == "匹";
    bool met = false;
    for (const std::string_view verb : {"遇见了", "遇到了", "碰到了", "发现了", "认识了", "救了",
                                        "捡到了", "遇见", "遇到", "认识", "发现"}) {
      const std::size_t len = CodePoints(verb).size();
      if (i >= len && at(i - len, verb)) met = true;
    }
    if (!animal && !(met && (measure == "个" || measure == "位"))) continue;
    std::string noun;
    std::size_t count = 0;
    for (std::size_t j = i + 2; j < cps.size() && count < 12; ++j, ++count) {
      if (is_punct(cps[j])) break;
      if (count > 0) {
        bool stop = false;
        for (const std::string_view w :
             {"住在", "正在", "在", "和", "跟", "它", "他", "她", "每天", "总是", "就", "一起"}) {
          stop = stop || at(j, w);
        }
        if (stop) break;
      }
      noun += cps[j];
    }
    if (noun.empty()) continue;
    // "名叫咪咪的猫": the name is kept apart.
    if (const std::size_t name_at = noun.find("名叫"); name_at != std::string::npos) {
      const std::size_t de = noun.find("的", name_at);
      if (de != std::string::npos) {
        premise.creature_name = noun.substr(name_at + 6, de - name_at - 6);
        noun.erase(name_at, de + 3 - name_at);
      }
    }
    if (noun.empty()) continue;
    premise.creature = "一" + measure + noun;
    premise.creature_the = "这" + measure + noun;
    break;
  }
  // A place: 在…里/上/中/边/旁/下.
  for (std::size_t i = 0; i + 2 < cps.size(); ++i) {
    if (cps[i] != "在") continue;
    std::string place;
    std::size_t j = i + 1;
    std::string last_place;
    std::size_t chars = 0;
    for (; j < cps.size() && chars < 12 && !is_punct(cps[j]); ++j, ++chars) {
      const std::string& c = cps[j];
      if ((c == "里" || c == "上" || c == "中" || c == "边" || c == "旁" || c == "下") &&
          chars >= 2) {
        last_place = place;
        break;
      }
      place += c;
    }
    if (last_place.empty()) continue;
    const std::vector<std::string> pc = CodePoints(last_place);
    const std::string& tail = pc.back();
    if (tail == "晚" || tail == "早" || tail == "时" || tail == "候" || tail == "夜" ||
        tail == "路" || tail == "心") {
      continue;
    }
    premise.place = last_place;
    const std::size_t de = last_place.rfind("的");
    std::string short_name = de == std::string::npos ? last_place : last_place.substr(de + 3);
    for (const std::string_view lead : {"一个", "一座", "一片", "一间", "一棵"}) {
      if (short_name.starts_with(lead) && short_name.size() > lead.size()) {
        short_name.erase(0, lead.size());
      }
    }
    premise.place_short = CodePoints(short_name).size() >= 2 ? short_name : last_place;
    break;
  }
}

// Reads a rendered prompt for a story in `zh` or English. Text in the other script is ignored:
// the story cannot quote it.
Premise ReadPremise(std::string_view text, bool zh) {
  Premise premise;
  std::string instructions;  // read for a creature and a place, never quoted
  std::size_t quoted_words = 0;
  for (const std::string& sentence : Sentences(text)) {
    if (IsChineseSentence(sentence) != zh) continue;
    if (IsInstruction(sentence, zh)) {
      if (premise.subject.empty()) premise.subject = ExtractTheme(sentence, false, 12, 60);
      instructions += sentence + (zh ? "。" : ". ");
      continue;
    }
    // A scrap such as a rendered "{{request}}" ("a moon") is not a sentence of the story.
    const std::size_t words =
        zh ? utf8::CodePointCount(sentence) / 2
           : Words(sentence).size() -
                 static_cast<std::size_t>(std::ranges::count(Words(sentence), std::string(".")));
    if (words < (zh ? 3u : 4u) || quoted_words + words > 70) continue;  // keeps the length
    if (!premise.opening.empty() && !zh) premise.opening += ' ';
    premise.opening += sentence;
    quoted_words += words;
  }
  const std::string all = premise.opening + (zh ? "。" : ". ") + instructions;
  zh ? ReadChinese(all, premise) : ReadEnglish(all, premise);
  return premise;
}

// English sentences start with a capital, whatever a name or a prompt's fallback looked like.
std::string CapitalizeSentences(std::string text) {
  bool start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (start && c >= 'a' && c <= 'z') text[i] = static_cast<char>(c - 'a' + 'A');
    if (c == '.' || c == '!' || c == '?' || c == '\n') {
      start = true;
    } else if (c == '"' && i > 0 && std::string_view(".!?,").find(text[i - 1]) != text.npos) {
      start = false;  // a closing quote: "What shall we do?" asked Pip.
    } else if (c != ' ' && c != '"') {
      start = false;
    }
  }
  return text;
}

// Lines for a companion the prompt brought: it has no bank trait of its own.
constexpr std::array<const char*, 4> kPremiseTraitsEn = {
    "{c} had a kind heart and a head full of clever ideas.",
    "{c} was small, but braver than anyone in {p}.",
    "{c} loved to laugh, and when {c} laughed, everyone else laughed too.",
    "{c} always noticed when a friend needed help.",
};
constexpr std::array<const char*, 4> kPremiseHelpsEn = {
    "Being {k}, {c} knew just what to do and showed them the way.",
    "{c} stayed close, and together they were braver than either of them alone.",
    "{c} went first, step by careful step, so that {h} could follow.",
    "{c} had an idea that only {k} could have, and it was a very good one.",
};
constexpr std::array<const char*, 4> kPremiseTraitsZh = {
    "{c}心地善良，脑袋里装满了聪明的主意。",
    "{c}个子不大，可是比{p}里的谁都勇敢。",
    "{c}特别爱笑，它一笑，大家都跟着笑起来。",
    "朋友需要帮忙的时候，{c}总是第一个发现。",
};
constexpr std::array<const char*, 4> kPremiseHelpsZh = {
    "身为{k}，{c}正好知道该怎么办，走在前面给大家带路。",
    "{c}紧紧地跟在身边，两个好朋友在一起，比谁都勇敢。",
    "{c}走在前面，一步一步小心地探路，让{h}跟在后面。",
    "{c}想出了一个只有{k}才想得到的好主意。",
};
// After the prompt's own opening: who the companion is and where it all happens.
constexpr std::array<const char*, 3> kBridgesEn = {
    "{Kt}'s name was {c}, and home was {s}.",
    "{Kt} was called {c}. It all happened in {s}.",
    "And so began the adventure of {h} and {kt}, whose name was {c}, in {s}.",
};
constexpr std::array<const char*, 3> kBridgesZh = {
    "{kt}名叫{c}，就住在{s}。",
    "{kt}的名字叫{c}。事情就发生在{s}。",
    "就这样，{h}和{kt}{c}在{s}开始了一场冒险。",
};
// When the prompt brought no companion.
constexpr std::array<const char*, 2> kPlainBridgesEn = {
    "It all happened in {s}, where {h} lived with {c}, {k}.",
    "This was in {s}, and {h} was not alone: {c}, {k}, was there too.",
};
constexpr std::array<const char*, 2> kPlainBridgesZh = {
    "事情发生在{s}，{h}和{k}{c}就住在那里。",
    "这是在{s}，{h}并不孤单，{k}{c}也在身边。",
};
}  // namespace

std::string WriteOfflineStory(const StoryRequest& request) {
  // The premise's language when the prompt has one: its words cannot be translated.
  const bool zh = request.premise_language.value_or(request.language) == Language::kChinese;
  const Bank& bank = zh ? kChinese : kEnglish;
  const std::string name = Truncate(Clean(request.user_name), 3, 24);
  const std::string_view premise_text = request.premise.empty() ? request.prompt : request.premise;
  const Premise premise = ReadPremise(premise_text, zh);
  std::string theme = ExtractTheme(request.request, true);
  if (theme.empty()) theme = ExtractTheme(request.theme, true);
  if (theme.empty()) theme = Truncate(premise.subject, 6, 40);

  // The cast and setting come from what stays the same across chapters: the seed, the hero, the
  // theme and the premise (the engine passes chapter 1's premise again for /continue).
  const std::uint64_t cast_seed =
      request.seed ^ Hash(name) ^ (Hash(theme) * 31) ^
      (Hash(premise.opening + "|" + premise.creature + "|" + premise.place) * 17);
  Rng cast(cast_seed);
  const Companion& companion = bank.companions[cast.Pick(bank.companions.size())];
  const Setting& setting = bank.settings[cast.Pick(bank.settings.size())];
  const std::size_t default_theme = cast.Pick(bank.default_themes.size());
  const std::array<std::size_t, 10> problems = ProblemOrder(cast);
  const std::size_t premise_line = cast.Pick(4);
  if (theme.empty()) theme = bank.default_themes[default_theme];

  const int chapter = request.chapter < 1 ? 1 : request.chapter;
  Rng plot(cast_seed ^ Hash(request.prompt, Hash(std::to_string(chapter))));
  const Problem& problem =
      bank.problems[problems[static_cast<std::size_t>(chapter - 1) % problems.size()]];
  const auto pick = [&plot](const auto& options) {
    return std::string_view(options[plot.Pick(options.size())]);
  };

  // The prompt's creature is the companion (named by the prompt, else with a bank name).
  const bool creature = !premise.creature.empty();
  const std::string companion_name = !premise.creature_name.empty()
                                         ? Truncate(Clean(premise.creature_name), 2, 16)
                                         : std::string(companion.name);
  const std::string kind = creature ? premise.creature : std::string(companion.kind);
  const std::string trait =
      creature ? (zh ? kPremiseTraitsZh : kPremiseTraitsEn)[premise_line] : companion.trait;
  const std::string help =
      creature ? (zh ? kPremiseHelpsZh : kPremiseHelpsEn)[premise_line] : companion.help;
  const bool place = !premise.place.empty();

  const std::string hero = name.empty() ? bank.default_hero : name;
  std::vector<std::pair<std::string_view, std::string>> values = {
      {"h", hero},
      {"H", zh ? hero : Capitalized(hero)},
      {"c", companion_name.empty() ? std::string(companion.name) : companion_name},
      {"k", kind},
      {"kt", premise.creature_the},
      {"Kt", Capitalized(premise.creature_the)},
      {"s", place ? premise.place : std::string(setting.place)},
      {"p", place ? premise.place_short : std::string(setting.short_name)},
      {"t", theme},
      {"w", std::string(pick(bank.times))},
  };
  const std::string trait_line = Fill(trait, values);
  values.emplace_back("trait", trait_line);
  values.emplace_back("help", Fill(help, values));
  values.emplace_back("i", name.empty() ? std::string(bank.default_hero_intro)
                                        : Fill(bank.named_hero_intro, values));
  values.emplace_back("trouble", Fill(problem.trouble, values));
  values.emplace_back("fix", Fill(problem.fix, values));

  const std::string_view space = zh ? "" : " ";
  std::vector<std::string> paragraphs;
  if (chapter == 1) {
    std::string first;
    if (!premise.opening.empty()) {
      // The prompt's own words open the story, and the tale goes on from them.
      const std::string bridge =
          creature ? Fill(zh ? pick(kBridgesZh) : pick(kBridgesEn), values)
                   : Fill(zh ? pick(kPlainBridgesZh) : pick(kPlainBridgesEn), values);
      first = premise.opening + std::string(space) + bridge;
      paragraphs.push_back(std::move(first));
      paragraphs.push_back(Fill(pick(bank.introductions), values));
    } else {
      if (!premise.subject.empty() && premise.subject != theme) {
        first = zh ? "这是一个关于" + premise.subject + "的故事。"
                   : "This is the story of " + premise.subject + ". ";
      }
      paragraphs.push_back(first + Fill(pick(bank.openings), values));
      paragraphs.push_back(Fill(pick(bank.introductions), values));
    }
  } else {
    paragraphs.push_back(zh ? "第" + ChineseNumber(chapter) + "章"
                            : "Chapter " + std::to_string(chapter));
    // The prompt's creature is named again: the reader meets it in every chapter.
    const std::string again = creature ? Fill(zh ? "{kt}{c}还是和从前一样，随时准备着新的冒险。"
                                                 : "{Kt}, {c}, was as ready for adventure as ever.",
                                              values) +
                                             std::string(space)
                                       : std::string();
    paragraphs.push_back(Fill(pick(bank.recaps), values) + std::string(space) + again + trait_line);
  }
  paragraphs.push_back(Fill(pick(bank.troubles), values) + std::string(space) +
                       Fill(pick(bank.worries), values));
  paragraphs.push_back(Fill(pick(bank.attempts), values) + std::string(space) +
                       Fill(pick(bank.ideas), values));
  paragraphs.push_back(Fill(pick(bank.fixes), values) + std::string(space) +
                       Fill(pick(bank.celebrations), values));
  paragraphs.push_back(Fill(pick(bank.evenings), values) + std::string(space) +
                       Fill(pick(bank.closings), values));

  std::string story;
  for (const auto& paragraph : paragraphs) {
    if (!story.empty()) story += "\n\n";
    story += paragraph;
  }
  return zh ? story : CapitalizeSentences(std::move(story));
}

void OfflineStoryteller::Generate(StoryRequest request, StoryCallback done) {
  done(Story{WriteOfflineStory(request), "offline", 0, 0, false});
}

}  // namespace storybot
