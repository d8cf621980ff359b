#pragma once
// The story engine's decisions, as pure functions: no I/O, no clocks, no randomness (the caller
// passes the seed), so every rule here is unit-tested directly.
//
// Given a chat message and the chat's state, Decide() says what to answer: the bot's own text
// (/start, /help, /themes, /reset, errors) or a story to write (a StoryRequest for a backend).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat.h"
#include "core/prompts.h"
#include "core/story/story.h"
#include "core/template.h"

namespace storybot {

// What the chat remembers between messages (conversations store).
struct ChatState {
  bool has_story = false;
  std::int64_t prompt_id = 0;   // prompt of the current story; 0: the built-in one
  std::string request;          // what the current story was asked for
  std::uint64_t seed = 0;       // the current story's seed
  int chapter = 0;              // chapters told so far
  std::vector<ChatTurn> turns;  // the story so far, oldest first
  // The story's cast, kept so that every chapter has the same hero, companion and place on every
  // channel, whatever the next message carries: the offline storyteller derives them from
  // (seed, user_name, request, premise), an LLM from the history.
  std::string user_name;         // the hero: the reader's name when the story began
  std::string language;          // "en" or "zh": the story's language; empty: not recorded
  std::string premise;           // the rendered prompt of chapter 1
  std::string premise_language;  // "en", "zh" or empty (StoryRequest::premise_language)
};

struct EngineOptions {
  // Instructions for the LLM; "{language}" becomes English or Chinese. Empty: the built-in one.
  std::string system_prompt;
  std::size_t history_token_budget = 2000;  // for /continue
  int max_tokens = 800;
};

enum class Command { kStart, kHelp, kThemes, kStory, kContinue, kReset };

struct ParsedCommand {
  Command command = Command::kStory;
  std::string argument;  // the rest of the line, trimmed
};

// "/story@MyBot dragons" → {kStory, "dragons"}; unknown commands and plain text → kStory with the
// whole text.
ParsedCommand ParseCommand(std::string_view text);

struct Decision {
  enum class Kind { kText, kStory, kReset };
  Kind kind = Kind::kText;
  Language language = Language::kEnglish;
  std::string text;            // kText and kReset: the answer
  StoryRequest story;          // kStory
  std::int64_t prompt_id = 0;  // kStory: the prompt used; 0 = built-in
  bool continues = false;      // kStory: a next chapter of the chat's story
  std::string request;         // kStory: the story's request (kept in ChatState)
};

// Chooses the prompt for `theme`: an enabled prompt whose title matches (case-insensitive, also
// as the first words of the theme, which are then dropped from the request), else the lowest-id
// enabled prompt (with `reader`: the lowest-id one in the reader's language or without words of
// its own, if any), else none (the built-in one). `request` receives what is left of the theme;
// `by_title`, when given, whether a title matched.
const Prompt* ChoosePrompt(const std::vector<Prompt>& prompts, std::string_view theme,
                           std::string& request, bool* by_title = nullptr,
                           std::optional<Language> reader = std::nullopt);

// The language of a prompt template's own words (its literal text and fallbacks): Chinese with
// ideographs, English with an English phrase, else none (e.g. "{{request}}").
std::optional<Language> PromptLanguage(std::string_view source);

// Builds the request for one story: renders the prompt (or the built-in one) with user_name,
// request, language, channel and `extra` variables. The rendering is also the story's premise.
StoryRequest BuildStoryRequest(const Prompt* prompt, std::string_view request,
                               std::string_view user_name, Language language,
                               std::string_view channel, const TemplateVariables& extra,
                               const EngineOptions& options, std::uint64_t seed);

Decision Decide(const InboundMessage& message, const ChatState& state,
                const std::vector<Prompt>& prompts, const EngineOptions& options,
                std::uint64_t new_seed);

// Rough token count: one per CJK character, one per four other bytes.
std::size_t EstimateTokens(std::string_view text);

// The newest turns that fit `budget` tokens; the oldest kept turn is cut from its start if needed.
std::vector<ChatTurn> TrimHistory(const std::vector<ChatTurn>& turns, std::size_t budget);

}  // namespace storybot
