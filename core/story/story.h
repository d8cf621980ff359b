#pragma once
// The vocabulary of story writing shared by the engine, the backends and the channels.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot {

enum class Language { kEnglish, kChinese };

// "en" or "zh".
std::string_view LanguageCode(Language language);

// The language to answer in: Chinese when `text` holds CJK ideographs; else Chinese when `hint`
// (e.g. Telegram's language_code "zh-hans") starts with "zh"; else English. An English text from
// a user whose client is set to Chinese is answered in English: the text wins.
Language DetectLanguage(std::string_view text, std::string_view hint);

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
  std::uint64_t seed = 0;    // stable per conversation: the offline storyteller keeps its cast
  int chapter = 1;           // 1 for a new story, 2.. for /continue
  std::string trace_id;      // forwarded to outbound calls as X-Trace-Id
  int max_tokens = 800;
  double temperature = 0.8;
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
