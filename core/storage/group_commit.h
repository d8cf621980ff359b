#pragma once
// One writer thread with its own SQLite connection that commits queued writes in batches: every
// write that arrives while a commit (and its fsync) runs goes into the next transaction, so a
// thousand concurrent deliveries cost a handful of fsyncs instead of a thousand.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace SQLite {
class Database;
}

namespace storybot {

class GroupCommitWriter {
 public:
  // Runs inside its own savepoint; may throw (SQLiteCpp does): only that write is undone.
  using Write = std::function<void(SQLite::Database&)>;
  // Runs on the writer thread after the commit; must be quick (post real work elsewhere).
  using Done = std::function<void(Status)>;

  // Opens a second connection to the (already migrated) database at `path`.
  static Result<std::unique_ptr<GroupCommitWriter>> Open(const std::string& path);
  ~GroupCommitWriter();

  void Submit(Write write, Done done);
  // Commits what is queued, then stops; later Submits fail with Unavailable.
  void Stop();

 private:
  explicit GroupCommitWriter(std::unique_ptr<SQLite::Database> db);
  void Loop();

  struct Item {
    Write write;
    Done done;
  };
  std::unique_ptr<SQLite::Database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace storybot
