#include "core/prompt_service.h"

#include "core/template.h"
#include "core/utf8.h"

namespace storybot {

std::string DefaultTitle(const std::string& content) {
  // Drop placeholders, collapse whitespace, keep the first six words and at most 40 characters.
  std::string text;
  for (std::size_t pos = 0; pos < content.size();) {
    if (content.compare(pos, 2, "{{") == 0) {
      const std::size_t close = content.find("}}", pos + 2);
      pos = close == std::string::npos ? content.size() : close + 2;
      continue;
    }
    const char c = content[pos++];
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!text.empty() && text.back() != ' ') text += ' ';
    } else {
      text += c;
    }
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  std::string title;
  std::size_t words = 0, characters = 0;
  bool cut = false;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t n = utf8::SequenceLength(text, pos);
    if (n == 0) n = 1;
    if (text[pos] == ' ' && ++words == 6) {
      cut = true;
      break;
    }
    if (characters == 40) {
      cut = true;
      break;
    }
    title.append(text, pos, n);
    pos += n;
    ++characters;
  }
  while (!title.empty() && title.back() == ' ') title.pop_back();
  if (title.empty()) return "Untitled";
  return cut ? title + "…" : title;
}

Status ValidatePromptContent(const std::string& content) {
  if (!utf8::IsValid(content)) return InvalidArgument("content: must be valid UTF-8");
  const std::size_t characters = utf8::CodePointCount(content);
  if (characters == 0) return InvalidArgument("content: must not be empty");
  if (characters > kMaxPromptCharacters) {
    return InvalidArgument("content: must be at most 8000 characters, got " +
                           std::to_string(characters));
  }
  Result<Template> parsed = Template::Parse(content);
  if (!parsed.ok()) return InvalidArgument("content: " + parsed.error().message);
  return {};
}

Status ValidatePromptTitle(const std::string& title) {
  if (!utf8::IsValid(title)) return InvalidArgument("title: must be valid UTF-8");
  const std::size_t characters = utf8::CodePointCount(title);
  if (characters == 0) return InvalidArgument("title: must not be empty");
  if (characters > kMaxTitleCharacters) {
    return InvalidArgument("title: must be at most 200 characters");
  }
  return {};
}

Result<std::shared_ptr<const PromptService::Snapshot>> PromptService::List() {
  std::lock_guard lock(mutex_);
  if (snapshot_) return snapshot_;
  Result<std::vector<Prompt>> prompts = store_.List();
  if (!prompts.ok()) return prompts.error();
  snapshot_ = std::make_shared<const Snapshot>(Snapshot{generation_, std::move(prompts).value()});
  return snapshot_;
}

void PromptService::Invalidate() {
  std::lock_guard lock(mutex_);
  snapshot_.reset();
  ++generation_;
}

Result<Prompt> PromptService::Create(NewPrompt prompt) {
  Status content = ValidatePromptContent(prompt.content);
  if (!content.ok()) return content.error();
  if (prompt.title.empty()) prompt.title = DefaultTitle(prompt.content);
  Status title = ValidatePromptTitle(prompt.title);
  if (!title.ok()) return title.error();
  Result<Prompt> created = store_.Create(prompt);
  Invalidate();
  return created;
}

Result<Prompt> PromptService::Update(std::int64_t id, PromptChange change) {
  if (!change.content && !change.title && !change.enabled) {
    return InvalidArgument("body: send at least one of content, title, enabled");
  }
  if (change.content) {
    Status content = ValidatePromptContent(*change.content);
    if (!content.ok()) return content.error();
  }
  if (change.title) {
    Status title = ValidatePromptTitle(*change.title);
    if (!title.ok()) return title.error();
  }
  Result<Prompt> updated = store_.Update(id, change);
  Invalidate();
  return updated;
}

Status PromptService::Delete(std::int64_t id) {
  Status deleted = store_.Delete(id);
  Invalidate();
  return deleted;
}

}  // namespace storybot
