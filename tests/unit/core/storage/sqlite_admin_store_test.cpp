// Admin accounts and the audit trail on a real SQLite file, written through the writer.
#include "core/storage/sqlite_admin_store.h"

#include <gtest/gtest.h>

#include <future>

#include "tests/support/database_fixture.h"
#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

class SqliteAdminStoreTest : public test::DatabaseFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    accounts_ = std::make_unique<SqliteAdminAccountStore>(*db_, *writer_);
    audit_ = std::make_unique<SqliteAuditLog>(*db_, *writer_);
  }

  Status Record(AuditRecord r) {
    std::promise<Status> done;
    audit_->Record(std::move(r), [&done](Status s) { done.set_value(s); });
    return done.get_future().get();
  }

  std::unique_ptr<SqliteAdminAccountStore> accounts_;
  std::unique_ptr<SqliteAuditLog> audit_;
};

TEST_F(SqliteAdminStoreTest, AddsListsAndRemovesAccounts) {
  ASSERT_TRUE(accounts_->Add({"vera", AdminRole::kViewer, HashAdminToken("t1"), "", ""}).ok());
  ASSERT_TRUE(accounts_->Add({"ed", AdminRole::kEditor, HashAdminToken("t2"), "", ""}).ok());
  const Status dup = accounts_->Add({"ed", AdminRole::kViewer, HashAdminToken("t3"), "", ""});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  auto list = accounts_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 2u);
  EXPECT_EQ(list.value()[0].name, "ed");
  EXPECT_EQ(list.value()[0].role, AdminRole::kEditor);
  EXPECT_EQ(list.value()[0].token_hash, HashAdminToken("t2"));
  EXPECT_FALSE(list.value()[0].created_at.empty());
  EXPECT_TRUE(list.value()[0].last_used_at.empty());

  ASSERT_TRUE(accounts_->Remove("ed").ok());
  const Status gone = accounts_->Remove("ed");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->List().value().size(), 1u);
}

TEST_F(SqliteAdminStoreTest, ChangeCounterMovesWhenTheWriterCommits) {
  const auto before = accounts_->ChangeCounter();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(accounts_->ChangeCounter().value(), before.value());
  ASSERT_TRUE(accounts_->Add({"vera", AdminRole::kViewer, HashAdminToken("t1"), "", ""}).ok());
  EXPECT_NE(accounts_->ChangeCounter().value(), before.value());
}

TEST_F(SqliteAdminStoreTest, AuditIsNewestFirstPagedAndFilteredByActor) {
  for (int i = 1; i <= 5; ++i) {
    AuditRecord r;
    r.actor = i % 2 ? "ed" : "bootstrap";
    r.actor_role = "editor";
    r.action = "prompt.update";
    r.method = "PUT";
    r.route = "/api/prompts/{id}";
    r.target = std::to_string(i);
    r.before_json = i == 1 ? "" : R"({"v":)" + std::to_string(i - 1) + "}";
    r.after_json = R"({"v":)" + std::to_string(i) + "}";
    r.trace_id = "trace" + std::to_string(i);
    ASSERT_TRUE(Record(r).ok());
  }
  auto page = audit_->List({2, 0, ""});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page.value().size(), 2u);
  EXPECT_EQ(page.value()[0].target, "5");
  EXPECT_EQ(page.value()[1].target, "4");
  EXPECT_EQ(page.value()[0].after_json, R"({"v":5})");
  EXPECT_EQ(page.value()[0].trace_id, "trace5");
  EXPECT_FALSE(page.value()[0].at.empty());

  auto next = audit_->List({10, page.value()[1].id, ""});
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next.value().size(), 3u);
  EXPECT_EQ(next.value()[2].target, "1");
  EXPECT_TRUE(next.value()[2].before_json.empty());

  auto ed = audit_->List({10, 0, "ed"});
  ASSERT_TRUE(ed.ok());
  ASSERT_EQ(ed.value().size(), 3u);
  for (const AuditRecord& r : ed.value()) EXPECT_EQ(r.actor, "ed");
}

}  // namespace
}  // namespace storybot
