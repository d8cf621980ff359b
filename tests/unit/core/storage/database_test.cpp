#include "core/storage/database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

int Latest() { return Migrations().back().version; }

TEST(DatabaseTest, MigratesAnEmptyFileToTheLatestSchema) {
  test::TempDir dir;
  auto db = Database::Open(dir.File("new/storybot.db"));
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(db.value()->SchemaVersion(), Latest());
  EXPECT_TRUE(db.value()->Healthy());
  SQLite::Database raw(dir.File("new/storybot.db"));
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

// Strictly increasing from 1 (a number may be skipped).
TEST(DatabaseTest, MigrationsAreNumberedInOrder) {
  int previous = 0;
  ASSERT_FALSE(Migrations().empty());
  EXPECT_EQ(Migrations().front().version, 1);
  for (const Migration& m : Migrations()) {
    EXPECT_GT(m.version, previous);
    previous = m.version;
  }
}

// From every older version (with data in it) to the latest, keeping the data.
TEST(DatabaseTest, MigratesFromEveryOlderVersion) {
  for (int start = 0; start < Latest(); ++start) {
    test::TempDir dir;
    const std::string path = dir.File("storybot.db");
    {
      SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      ASSERT_TRUE(MigrateTo(raw, start).ok());
      if (start >= 1) {
        raw.exec(
            "INSERT INTO prompts (title, content, enabled, version, created_at, updated_at) "
            "VALUES ('t', 'kept', 1, 1, 'x', 'x')");
      }
    }
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << "from version " << start << ": " << db.error().message;
    EXPECT_EQ(db.value()->SchemaVersion(), Latest());
    if (start >= 1) {
      std::string content;
      ASSERT_TRUE(db.value()
                      ->WithConnection([&](SQLite::Database& raw) -> Status {
                        content = raw.execAndGet("SELECT content FROM prompts").getString();
                        return {};
                      })
                      .ok());
      EXPECT_EQ(content, "kept");
    }
  }
}

TEST(DatabaseTest, RefusesANewerSchema) {
  test::TempDir dir;
  const std::string path = dir.File("storybot.db");
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA user_version = 999");
  }
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("999"), std::string::npos);
}

TEST(DatabaseTest, AFailedMigrationLeavesTheVersionUnchanged) {
  test::TempDir dir;
  const std::string path = dir.File("storybot.db");
  SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  raw.exec("CREATE TABLE prompts (x INTEGER)");  // collides with migration 1
  EXPECT_FALSE(MigrateTo(raw, Latest()).ok());
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 0);
}

}  // namespace
}  // namespace storybot
