#pragma once
#include "core/prompts.h"
#include "core/storage/database.h"

namespace storybot {

// PromptStore on the embedded SQLite database. `db` must outlive the store.
class SqlitePromptStore final : public PromptStore {
 public:
  explicit SqlitePromptStore(Database& db) : db_(db) {}
  Result<std::vector<Prompt>> List() override;
  Result<Prompt> Get(std::int64_t id) override;
  Result<Prompt> Create(const NewPrompt& prompt) override;
  Result<Prompt> Update(std::int64_t id, const PromptChange& change) override;
  Status Delete(std::int64_t id) override;
  Result<std::vector<PromptVersion>> Versions(std::int64_t id) override;

 private:
  Database& db_;
};

}  // namespace storybot
