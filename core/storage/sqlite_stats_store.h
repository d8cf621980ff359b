#pragma once
// StatsStore on SQLite (table stats_hourly, migration 8): reads on the shared connection, writes
// through the group-commit writer.
#include "core/stats/rollup.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"

namespace storybot {

class SqliteStatsStore final : public StatsStore {
 public:
  // Both must outlive the store.
  SqliteStatsStore(Database& db, GroupCommitWriter& writer) : db_(db), writer_(writer) {}

  void Apply(std::vector<RollupDelta> deltas, std::function<void(Status)> done) override;
  Result<std::vector<RollupRow>> Read(const std::vector<std::string>& series, std::int64_t from,
                                      std::int64_t to) override;

 private:
  Database& db_;
  GroupCommitWriter& writer_;
};

}  // namespace storybot
