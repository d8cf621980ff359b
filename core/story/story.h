#pragma once
// The vocabulary of story writing shared by the engine, the backends and the channels.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot {

enum class Language { kEnglish, kChinese };

// "en" or "zh".
std::string_view LanguageCode(Language language);

// The language a message asks for (README "What chat users can do"), in this order:
//  1. `explicit_choice` (the webhook's "language") when it names one: "zh…" Chinese, "en…" English;
//  2. the text: CJK ideographs mean Chinese; an English phrase (three or more Latin-script words,
//     or any of a few little English words such as "a", "the", "about", "story") means English;
//  3. `hint`, the client's setting (Telegram's language_code "zh-hans"): "zh…" means Chinese;
//  4. English.
// So a Chinese client writing "a story about a turtle" gets English (the reader chose to write
// English), while a lone name or word ("/story Elsa", "/story dragons") says nothing about the
// language and the client's setting decides.
Language DetectLanguage(std::string_view text, std::string_view hint,
                        std::string_view explicit_choice = {});

// The language `code` names ("zh", "zh-CN", "en-US", case-insensitive), if it names one.
std::optional<Language> LanguageFromCode(std::string_view code);

struct ChatTurn {
  std::string role;  // "user" or "assistant"
  std::string content;
};

// Everything a backend needs to write one story. Built by the StoryEngine.
struct StoryRequest {
  std::string system_prompt;      // instructions: length, child-safe, answer language
  std::string prompt;             // the rendered prompt template
  std::vector<ChatTurn> history;  // /continue: the story so far, oldest first, within budget
  Language language = Language::kEnglish;
  std::string user_name;     // may be empty
  std::string request;       // what the user asked for (theme or free text), may be empty
  std::string prompt_title;  // title of the chosen prompt
  // The rendered prompt that set up this story (chapter 1's prompt, kept for /continue): its
  // characters, creature, place and situation are the story's premise.
  std::string premise;
  // The language of the prompt's own words, when they have one. The offline storyteller cannot
  // translate a premise, so it writes in this language; an LLM follows `language`.
  std::optional<Language> premise_language;
  // What the story is about: the request's subject, or the title the request matched.
  std::string theme;
  std::uint64_t seed = 0;  // stable per conversation: the offline storyteller keeps its cast
  int chapter = 1;         // 1 for a new story, 2.. for /continue
  std::string trace_id;    // forwarded to outbound calls as X-Trace-Id
  int max_tokens = 800;
  double temperature = 0.8;
  // Streaming: called with the whole text written so far each time it grows (any thread, one
  // call at a time; it must not block). Null: the backend need not stream. A backend that cannot
  // stream (the offline storyteller) never calls it.
  std::function<void(std::string_view text_so_far)> on_progress;
};

struct Story {
  std::string text;
  std::string engine;  // "offline" or "openai"
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  bool truncated = false;  // the backend stopped at max_tokens (finish_reason "length")
};

using StoryCallback = std::function<void(Result<Story>)>;

// A way of writing stories. Implementations are thread-safe.
class StoryBackend {
 public:
  virtual ~StoryBackend() = default;
  // "offline" or "openai": the `engine` label in metrics and answers.
  virtual std::string_view name() const = 0;
  // Writes a story and calls `done` exactly once, possibly on another thread, possibly before
  // returning. Never blocks the caller for network I/O.
  virtual void Generate(StoryRequest request, StoryCallback done) = 0;
};

}  // namespace storybot
