#pragma once
#include <functional>

#include "core/prompts.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"

namespace storybot {

// PromptStore on the embedded SQLite database: reads on `db`'s connection, writes through
// `writer` when given (the one writer connection: admin edits then never wait for SQLite's write
// lock while holding the read connection), else in their own transaction on `db`.
// Both must outlive the store.
class SqlitePromptStore final : public PromptStore {
 public:
  explicit SqlitePromptStore(Database& db, GroupCommitWriter* writer = nullptr)
      : db_(db), writer_(writer) {}
  Result<std::vector<Prompt>> List() override;
  Result<Prompt> Get(std::int64_t id) override;
  Result<Prompt> Create(const NewPrompt& prompt) override;
  Result<Prompt> Update(std::int64_t id, const PromptChange& change) override;
  Status Delete(std::int64_t id) override;
  Result<std::vector<PromptVersion>> Versions(std::int64_t id) override;

 private:
  // Runs one write (which must not open a transaction itself) and waits for its commit.
  Status Write(const std::function<Status(SQLite::Database&)>& write);

  Database& db_;
  GroupCommitWriter* writer_;
};

}  // namespace storybot
