#include "core/storage/sqlite_stats_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace storybot {

void SqliteStatsStore::Apply(std::vector<RollupDelta> deltas, std::function<void(Status)> done) {
  writer_.Submit(
      [deltas = std::move(deltas)](SQLite::Database& db) {
        SQLite::Statement add(db,
                              "INSERT INTO stats_hourly (hour, series, label, value) "
                              "VALUES (?, ?, ?, ?) ON CONFLICT (hour, series, label) "
                              "DO UPDATE SET value = value + excluded.value");
        SQLite::Statement peak(db,
                               "INSERT INTO stats_hourly (hour, series, label, value) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT (hour, series, label) "
                               "DO UPDATE SET value = MAX(value, excluded.value)");
        for (const RollupDelta& d : deltas) {
          SQLite::Statement& q = d.merge == RollupMerge::kAdd ? add : peak;
          q.reset();
          q.bind(1, d.hour);
          q.bind(2, d.series);
          q.bind(3, d.label);
          q.bind(4, d.value);
          q.exec();
        }
      },
      std::move(done));
}

Result<std::vector<RollupRow>> SqliteStatsStore::Read(const std::vector<std::string>& series,
                                                      std::int64_t from, std::int64_t to) {
  std::vector<RollupRow> rows;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "SELECT hour, label, value FROM stats_hourly "
                        "WHERE series = ? AND hour >= ? AND hour < ? ORDER BY hour, label");
    for (const std::string& name : series) {
      q.reset();
      q.bind(1, name);
      q.bind(2, from);
      q.bind(3, to);
      while (q.executeStep()) {
        rows.push_back({q.getColumn(0).getInt64(), name, q.getColumn(1).getString(),
                        q.getColumn(2).getInt64()});
      }
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return rows;
}

}  // namespace storybot
