#pragma once
#include "core/logging.h"
#include "core/safety/safety_store.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"

namespace storybot {

// SafetyStore on the embedded SQLite database: reads on `db`'s connection, every write through
// the one writer (queued writes log their failure: a lost count is better than a held reader).
// All must outlive the store.
class SqliteSafetyStore final : public SafetyStore {
 public:
  SqliteSafetyStore(Database& db, GroupCommitWriter& writer, Logger& logger)
      : db_(db), writer_(writer), logger_(logger) {}

  Result<std::vector<std::int64_t>> StoryStarts(const std::string& channel, const std::string& user,
                                                std::int64_t since) override;
  void RecordStoryStart(const std::string& channel, const std::string& user,
                        std::int64_t at) override;
  Result<std::int64_t> TokensUsed(std::int64_t day) override;
  void AddTokens(std::int64_t day, std::int64_t tokens) override;
  Result<StoredSafety> Load() override;
  Status SaveLimits(const std::map<std::string, std::int64_t>& limits) override;
  Status SaveWords(const std::vector<std::string>& words) override;
  void RecordEvent(const SafetyEvent& event) override;
  Result<std::vector<SafetyEvent>> Events(int limit) override;

 private:
  void Queue(std::string_view operation, GroupCommitWriter::Write write);
  Status WriteAndWait(GroupCommitWriter::Write write);

  Database& db_;
  GroupCommitWriter& writer_;
  Logger& logger_;
};

}  // namespace storybot
