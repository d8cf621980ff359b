#pragma once
// The set-up every store test shares: a real SQLite file in a fresh temporary directory, migrated,
// with its group-commit writer (the database's one writer). Derived fixtures call
// ASSERT_NO_FATAL_FAILURE(OpenDatabase()) in SetUp and declare their stores after these members,
// so the stores go before the writer and the database.
#include <gtest/gtest.h>

#include <memory>

#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "tests/support/storybot_process.h"

namespace storybot::test {

class DatabaseFixture : public ::testing::Test {
 protected:
  void OpenDatabase() {
    auto db = Database::Open(dir_.File("storybot.db"));
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto writer = GroupCommitWriter::Open(dir_.File("storybot.db"));
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    writer_ = std::move(writer).value();
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<GroupCommitWriter> writer_;
};

}  // namespace storybot::test
