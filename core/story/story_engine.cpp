#include "core/story/story_engine.h"

#include <algorithm>
#include <cctype>

#include "core/story/bot_texts.h"
#include "core/utf8.h"

namespace storybot {
namespace {

constexpr std::string_view kDefaultSystemPrompt =
    "You are storybot, a warm storyteller for children and families. Write one original, "
    "child-safe story of about 250 to 400 words (in Chinese about 500 to 800 characters) with "
    "named characters, a setting, a problem, an attempt, a resolution and a gentle closing line. "
    "No violence, nothing frightening, nothing for adults only. Write only the story, in "
    "{language}.";

constexpr std::string_view kBuiltInPromptEn =
    "Tell a story for {{user_name|a curious child}} about {{request|a friendly adventure}}.";
constexpr std::string_view kBuiltInPromptZh =
    "给{{user_name|小朋友}}讲一个关于{{request|一次奇妙冒险}}的故事。";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view LanguageName(Language language) {
  return language == Language::kChinese ? "Chinese" : "English";
}

bool IsBoundary(std::string_view rest) {
  if (rest.empty()) return true;
  const char c = rest.front();
  return std::isspace(static_cast<unsigned char>(c)) || c == ':' || c == ',' ||
         rest.starts_with("，") || rest.starts_with("：") || rest.starts_with("、");
}

std::string_view DropSeparator(std::string_view rest) {
  rest = Trim(rest);
  for (std::string_view sep : {":", ",", "，", "：", "、"}) {
    if (rest.starts_with(sep)) return Trim(rest.substr(sep.size()));
  }
  return rest;
}

// "Dragons" reads as "dragons" inside a sentence; "Harry Potter" keeps its capitals.
std::string TitleAsTheme(std::string_view title) {
  std::string theme(Trim(title));
  const bool one_word = theme.find(' ') == std::string::npos;
  if (one_word && theme.size() > 1 && std::isupper(static_cast<unsigned char>(theme[0])) &&
      std::all_of(theme.begin() + 1, theme.end(),
                  [](char c) { return !std::isupper(static_cast<unsigned char>(c)); })) {
    theme[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(theme[0])));
  }
  return theme;
}

}  // namespace

ParsedCommand ParseCommand(std::string_view text) {
  text = Trim(text);
  if (!text.starts_with('/')) return {Command::kStory, std::string(text)};
  std::size_t end = text.find_first_of(" \t\n");
  std::string_view word = text.substr(1, end == std::string_view::npos ? text.npos : end - 1);
  const std::string_view rest = end == std::string_view::npos ? "" : Trim(text.substr(end));
  word = word.substr(0, word.find('@'));  // "/story@MyBot" in groups
  const std::string name = AsciiLower(word);
  if (name == "start") return {Command::kStart, std::string(rest)};
  if (name == "help") return {Command::kHelp, std::string(rest)};
  if (name == "themes") return {Command::kThemes, std::string(rest)};
  if (name == "story") return {Command::kStory, std::string(rest)};
  if (name == "continue") return {Command::kContinue, std::string(rest)};
  if (name == "reset") return {Command::kReset, std::string(rest)};
  return {Command::kStory, std::string(text)};
}

const Prompt* ChoosePrompt(const std::vector<Prompt>& prompts, std::string_view theme,
                           std::string& request, bool* by_title, std::optional<Language> reader) {
  theme = Trim(theme);
  if (by_title != nullptr) *by_title = false;
  request = std::string(theme);
  const std::string lowered = AsciiLower(theme);
  const Prompt* best = nullptr;
  std::size_t best_length = 0;
  for (const Prompt& p : prompts) {
    if (!p.enabled || p.title.empty()) continue;
    const std::string title = AsciiLower(Trim(p.title));
    if (title.empty() || !lowered.starts_with(title)) continue;
    if (!IsBoundary(std::string_view(lowered).substr(title.size()))) continue;
    if (title.size() > best_length) {  // the longest matching title wins
      best = &p;
      best_length = title.size();
    }
  }
  if (best != nullptr) {
    if (by_title != nullptr) *by_title = true;
    request = std::string(DropSeparator(theme.substr(best_length)));
    return best;
  }
  // Ordered by id: the first enabled one in the reader's language is the default, else the first
  // enabled one (a prompt without words of its own, such as "{{request}}", suits every reader).
  const Prompt* first = nullptr;
  for (const Prompt& p : prompts) {
    if (!p.enabled) continue;
    if (first == nullptr) first = &p;
    if (!reader) break;
    const std::optional<Language> language = PromptLanguage(p.content);
    if (!language || *language == *reader) return &p;
  }
  return first;
}

std::optional<Language> PromptLanguage(std::string_view source) {
  Result<Template> parsed = Template::Parse(source);
  if (!parsed.ok()) return std::nullopt;
  const std::string words = parsed.value().Render({});
  // The hint decides only when the text has no signal, so two opposite hints reveal whether it has.
  if (DetectLanguage(words, "en") == Language::kChinese) return Language::kChinese;
  if (DetectLanguage(words, "zh") == Language::kEnglish) return Language::kEnglish;
  return std::nullopt;
}

StoryRequest BuildStoryRequest(const Prompt* prompt, std::string_view request,
                               std::string_view user_name, Language language,
                               std::string_view channel, const TemplateVariables& extra,
                               const EngineOptions& options, std::uint64_t seed) {
  TemplateVariables variables = extra;
  variables["user_name"] = std::string(user_name);
  variables["request"] = std::string(request);
  variables["language"] = std::string(LanguageName(language));
  variables["channel"] = std::string(channel);

  std::string source(language == Language::kChinese ? kBuiltInPromptZh : kBuiltInPromptEn);
  if (prompt != nullptr) source = prompt->content;
  Result<Template> parsed = Template::Parse(source);
  if (!parsed.ok()) parsed = Template::Parse(kBuiltInPromptEn);  // stored prompts are validated

  StoryRequest story;
  std::string system(options.system_prompt.empty() ? kDefaultSystemPrompt : options.system_prompt);
  const std::size_t at = system.find("{language}");
  if (at != std::string::npos) system.replace(at, 10, LanguageName(language));
  story.system_prompt = std::move(system);
  story.prompt = parsed.value().Render(variables);
  story.premise = story.prompt;
  if (prompt != nullptr) story.premise_language = PromptLanguage(prompt->content);
  story.language = language;
  story.user_name = std::string(user_name);
  story.request = std::string(request);
  story.prompt_title = prompt != nullptr ? prompt->title : "";
  story.seed = seed;
  story.max_tokens = options.max_tokens;
  return story;
}

std::size_t EstimateTokens(std::string_view text) {
  std::size_t cjk = 0, other = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8::SequenceLength(text, pos));
    if (n >= 3) {
      ++cjk;
    } else {
      other += n;
    }
    pos += n;
  }
  return cjk + (other + 3) / 4;
}

std::vector<ChatTurn> TrimHistory(const std::vector<ChatTurn>& turns, std::size_t budget) {
  std::vector<ChatTurn> kept;
  std::size_t used = 0;
  for (auto it = turns.rbegin(); it != turns.rend(); ++it) {
    const std::size_t cost = EstimateTokens(it->content);
    if (used + cost <= budget) {
      kept.push_back(*it);
      used += cost;
      continue;
    }
    // Keep the end of the oldest turn that still partly fits: it leads into what follows.
    const std::size_t room = budget - used;
    if (room > 16) {
      std::string_view content = it->content;
      std::size_t start = content.size();
      // One token of the room goes to the leading ellipsis.
      while (start > 0 && EstimateTokens(content.substr(start)) + 1 < room) {
        --start;
        while (start > 0 && (static_cast<unsigned char>(content[start]) & 0xC0) == 0x80) --start;
      }
      kept.push_back({it->role, "…" + std::string(content.substr(start))});
    }
    break;
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

Decision Decide(const InboundMessage& message, const ChatState& state,
                const std::vector<Prompt>& prompts, const EngineOptions& options,
                std::uint64_t new_seed) {
  const ParsedCommand command = ParseCommand(message.text);
  Decision d;
  // The command word itself says nothing about the language: only what follows it does.
  d.language = DetectLanguage(command.argument, message.language_hint, message.language);
  switch (command.command) {
    case Command::kStart:
      d.text = Text(BotText::kGreeting, d.language, message.user_name);
      return d;
    case Command::kHelp:
      d.text = Text(BotText::kHelp, d.language);
      return d;
    case Command::kThemes: {
      std::string list;
      for (const Prompt& p : prompts) {
        if (p.enabled) list += "\n• " + p.title;
      }
      d.text = list.empty() ? Text(BotText::kNoThemes, d.language)
                            : Text(BotText::kThemesHeader, d.language) + list;
      return d;
    }
    case Command::kReset:
      d.kind = Decision::Kind::kReset;
      d.text = Text(BotText::kResetDone, d.language);
      return d;
    case Command::kContinue: {
      if (!state.has_story) {
        d.text = Text(BotText::kNothingToContinue, d.language);
        return d;
      }
      const Prompt* prompt = nullptr;
      for (const Prompt& p : prompts) {
        if (p.id == state.prompt_id) prompt = &p;
      }
      // The story keeps its language and its hero unless the reader now chooses explicitly.
      const std::optional<Language> stored = LanguageFromCode(state.language);
      d.language = stored && !LanguageFromCode(message.language)
                       ? *stored
                       : DetectLanguage(state.request + " " + command.argument,
                                        message.language_hint, message.language);
      d.kind = Decision::Kind::kStory;
      d.continues = true;
      d.prompt_id = prompt != nullptr ? prompt->id : 0;
      d.request = state.request;
      const std::string& hero = state.user_name.empty() ? message.user_name : state.user_name;
      d.story = BuildStoryRequest(prompt, state.request, hero, d.language, message.channel, {},
                                  options, state.seed);
      if (!state.premise.empty()) {  // the premise as chapter 1 had it, even if the prompt changed
        d.story.premise = state.premise;
        d.story.premise_language = LanguageFromCode(state.premise_language);
      }
      d.story.chapter = state.chapter + 1;
      d.story.history = TrimHistory(state.turns, options.history_token_budget);
      std::string next = d.language == Language::kChinese
                             ? "请接着讲这个故事的下一章，保持同样的人物。"
                             : "Continue the story with its next chapter, keeping the same "
                               "characters.";
      if (!command.argument.empty()) next += " " + command.argument;
      d.story.prompt = std::move(next);
      return d;
    }
    case Command::kStory: {
      std::string request;
      bool by_title = false;
      const Prompt* prompt =
          ChoosePrompt(prompts, command.argument, request, &by_title, d.language);
      if (message.prompt_id != 0) {  // an integration chose the prompt: the whole text is the wish
        request = command.argument;
        by_title = false;
        prompt = nullptr;
        for (const Prompt& p : prompts) {
          if (p.id == message.prompt_id) prompt = &p;
        }
      }
      d.kind = Decision::Kind::kStory;
      d.prompt_id = prompt != nullptr ? prompt->id : 0;
      d.request = request;
      d.story = BuildStoryRequest(
          prompt, request, message.user_name, d.language, message.channel,
          TemplateVariables(message.variables.begin(), message.variables.end()), options, new_seed);
      if (by_title && request.empty()) {  // "/story dragons": the title is the theme
        d.story.theme = TitleAsTheme(prompt->title);
        d.request = d.story.theme;  // kept, so that /continue has the same theme
      }
      return d;
    }
  }
  return d;
}

}  // namespace storybot
