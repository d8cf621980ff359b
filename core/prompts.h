#pragma once
// Story prompts: the templates admins manage, with a version history.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace storybot {

struct Prompt {
  std::int64_t id = 0;
  std::string title;
  std::string content;  // a template (core/template.h)
  bool enabled = true;
  std::int64_t version = 1;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
};

struct PromptVersion {
  std::int64_t version = 0;
  std::string title;
  std::string content;
  bool enabled = true;
  std::string created_at;
};

struct NewPrompt {
  std::string title;
  std::string content;
  bool enabled = true;
};

struct PromptChange {
  std::optional<std::string> title;
  std::optional<std::string> content;
  std::optional<bool> enabled;
};

// Storage of prompts. Implementations are thread-safe. Every create and update also records the
// resulting state as a row of the version history, in the same transaction.
class PromptStore {
 public:
  virtual ~PromptStore() = default;
  virtual Result<std::vector<Prompt>> List() = 0;  // ordered by id
  virtual Result<Prompt> Get(std::int64_t id) = 0;
  virtual Result<Prompt> Create(const NewPrompt& prompt) = 0;
  virtual Result<Prompt> Update(std::int64_t id, const PromptChange& change) = 0;  // version + 1
  virtual Status Delete(std::int64_t id) = 0;                                // with its history
  virtual Result<std::vector<PromptVersion>> Versions(std::int64_t id) = 0;  // newest first
};

}  // namespace storybot
