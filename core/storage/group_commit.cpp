#include "core/storage/group_commit.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <vector>

namespace storybot {

constexpr std::size_t kMaxBatch = 4096;

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {
  thread_ = std::thread([this] { Loop(); });
}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

Result<std::unique_ptr<GroupCommitWriter>> GroupCommitWriter::Open(const std::string& path) {
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
    db->setBusyTimeout(5000);
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    return std::unique_ptr<GroupCommitWriter>(new GroupCommitWriter(std::move(db)));
  } catch (const std::exception& e) {
    return Unavailable(std::string("cannot open the database writer: ") + e.what());
  }
}

void GroupCommitWriter::Submit(Write write, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(write), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Unavailable("the database writer has stopped"));
}

void GroupCommitWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitWriter::Loop() {
  std::vector<Item> batch;
  std::vector<Status> results;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    results.assign(batch.size(), Status());
    Status commit;
    try {
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        db_->exec("SAVEPOINT one_write");
        try {
          batch[i].write(*db_);
          db_->exec("RELEASE one_write");
        } catch (const std::exception& e) {
          db_->exec("ROLLBACK TO one_write");
          db_->exec("RELEASE one_write");
          results[i] = Unavailable(std::string("database write failed: ") + e.what());
        }
      }
      tx.commit();
    } catch (const std::exception& e) {
      commit = Unavailable(std::string("database commit failed: ") + e.what());
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i].done(commit.ok() ? results[i] : commit);
    }
    batch.clear();
  }
}

}  // namespace storybot
