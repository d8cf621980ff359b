#pragma once
// The rules around prompts, independent of storage and HTTP: validation of content and title
// (UTF-8, 1-8,000 characters, the template parses), the default title, and a cached snapshot of
// the list so that hot readers (GET /api/prompts, the story engine) do not touch the database.
#include <atomic>
#include <memory>
#include <mutex>

#include "core/prompts.h"

namespace storybot {

inline constexpr std::size_t kMaxPromptCharacters = 8000;
inline constexpr std::size_t kMaxTitleCharacters = 200;

// The first words of `content` with placeholders removed, at most 40 characters.
std::string DefaultTitle(const std::string& content);

class PromptService {
 public:
  // `store` must outlive the service.
  explicit PromptService(PromptStore& store) : store_(store) {}

  struct Snapshot {
    std::uint64_t generation = 0;  // changes whenever the list changes
    std::vector<Prompt> prompts;   // ordered by id
  };
  // The current list; cheap after the first call. Shared and immutable.
  Result<std::shared_ptr<const Snapshot>> List();

  Result<Prompt> Get(std::int64_t id) { return store_.Get(id); }
  Result<Prompt> Create(NewPrompt prompt);
  Result<Prompt> Update(std::int64_t id, PromptChange change);
  Status Delete(std::int64_t id);
  Result<std::vector<PromptVersion>> Versions(std::int64_t id) { return store_.Versions(id); }

 private:
  void Invalidate();

  PromptStore& store_;
  std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;  // null: reload on next List()
  std::uint64_t generation_ = 1;
};

// Checks a template body: "content: ..." errors name the field and the template position.
Status ValidatePromptContent(const std::string& content);
Status ValidatePromptTitle(const std::string& title);

}  // namespace storybot
