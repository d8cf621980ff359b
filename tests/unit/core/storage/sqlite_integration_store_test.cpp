// Integration writes (create, rotate, delete) go through the group-commit writer, the database's
// one writer, never the shared read connection: they complete while that connection is busy (as
// the job runner's chat reads keep it), and fail with the writer once it has stopped.
#include "core/storage/sqlite_integration_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/support/database_fixture.h"
#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

Integration Acme() {
  Integration i;
  i.name = "acme";
  i.secret = "whsec_first";
  i.callback_allowlist = {"10.0.0.0/8"};
  i.created_at = "2026-01-01T00:00:00.000Z";
  return i;
}

class SqliteIntegrationStoreTest : public test::DatabaseFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    store_ = std::make_unique<SqliteIntegrationStore>(*db_, *writer_);
  }

  std::unique_ptr<SqliteIntegrationStore> store_;
};

TEST_F(SqliteIntegrationStoreTest, WritesCompleteWhileTheReadConnectionIsHeld) {
  std::promise<void> held, release;
  std::thread reader([&] {
    Status s = db_->WithConnection([&](SQLite::Database&) -> Status {
      held.set_value();
      release.get_future().wait();
      return {};
    });
    EXPECT_TRUE(s.ok());
  });
  held.get_future().wait();
  // Bounded only so that a regression fails instead of hanging: the writes never need the lock.
  auto writes = std::async(std::launch::async, [&] {
    Status created = store_->Create(Acme());
    if (!created.ok()) return created;
    auto rotated = store_->Rotate("acme", "whsec_second", 1234, "2026-01-02T00:00:00.000Z");
    if (!rotated.ok()) return Status(rotated.error());
    EXPECT_EQ(rotated.value().secret, "whsec_second");
    EXPECT_EQ(rotated.value().previous_secret, "whsec_first");
    EXPECT_EQ(rotated.value().previous_expires_at, 1234);
    EXPECT_EQ(rotated.value().callback_allowlist, std::vector<std::string>{"10.0.0.0/8"});
    Status conflict = store_->Create(Acme());
    EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
    return store_->Delete("acme");
  });
  const bool done = writes.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  release.set_value();
  reader.join();
  ASSERT_TRUE(done) << "an integration write waited for the read connection";
  Status s = writes.get();
  EXPECT_TRUE(s.ok()) << s.error().message;
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list.value().empty());
}

TEST_F(SqliteIntegrationStoreTest, WritesGoThroughTheWriter) {
  ASSERT_TRUE(store_->Create(Acme()).ok());
  writer_->Stop();
  Status created = store_->Create([] {
    Integration other = Acme();
    other.name = "other";
    return other;
  }());
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("writer has stopped"), std::string::npos);
  auto rotated = store_->Rotate("acme", "whsec_second", 0, "now");
  ASSERT_FALSE(rotated.ok());
  EXPECT_NE(rotated.error().message.find("writer has stopped"), std::string::npos);
  Status deleted = store_->Delete("acme");
  ASSERT_FALSE(deleted.ok());
  EXPECT_NE(deleted.error().message.find("writer has stopped"), std::string::npos);
  auto list = store_->List();  // reads stay on the read connection
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 1u);
  EXPECT_EQ(list.value()[0].secret, "whsec_first");
}

TEST_F(SqliteIntegrationStoreTest, MissingIntegrationsAreNotFound) {
  EXPECT_EQ(store_->Delete("nobody").error().code, ErrorCode::kNotFound);
  auto rotated = store_->Rotate("nobody", "whsec_x", 0, "now");
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace storybot
