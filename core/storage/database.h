#pragma once
// The embedded SQLite database: WAL, synchronous=FULL, a busy timeout, foreign keys, and schema
// migrations tracked by PRAGMA user_version (each applied in its own transaction).
// SQL dialect details stay in core/storage/; the rest of the code sees store interfaces.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace SQLite {
class Database;
}

namespace storybot {

// One schema step; `sql` may hold several statements.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// All migrations in order; the schema version is the last one's number.
const std::vector<Migration>& Migrations();

class Database {
 public:
  // Opens (creating if needed) the database file and migrates it to the latest version.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();

  // Runs `work` with exclusive use of the connection. Exceptions from SQLiteCpp inside `work`
  // are turned into an Unavailable error here, so they never cross this boundary.
  Status WithConnection(const std::function<Status(SQLite::Database&)>& work);

  int SchemaVersion();
  // The connection answers a query; used by /readyz.
  bool Healthy();

 private:
  explicit Database(std::unique_ptr<SQLite::Database> db);
  std::mutex mutex_;
  std::unique_ptr<SQLite::Database> db_;
};

// Applies migrations above the current user_version up to `target` (tests build old schemas
// with this).
Status MigrateTo(SQLite::Database& db, int target);

}  // namespace storybot
