#pragma once
// Admin accounts and the audit trail on SQLite (migration 7): reads on the shared connection,
// writes through the group-commit writer, the one writer.
#include "core/admin/admin_accounts.h"
#include "core/admin/audit_log.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"

namespace storybot {

class SqliteAdminAccountStore final : public AdminAccountStore {
 public:
  // Both must outlive the store.
  SqliteAdminAccountStore(Database& db, GroupCommitWriter& writer) : db_(db), writer_(writer) {}

  Status Add(const AdminAccount& account) override;
  Status Remove(const std::string& name) override;
  Result<std::vector<AdminAccount>> List() override;
  void Touch(const std::string& name, const std::string& used_at) override;
  Result<std::int64_t> ChangeCounter() override;

 private:
  Database& db_;
  GroupCommitWriter& writer_;
};

class SqliteAuditLog final : public AuditLog {
 public:
  SqliteAuditLog(Database& db, GroupCommitWriter& writer) : db_(db), writer_(writer) {}

  void Record(AuditRecord record, std::function<void(Status)> done) override;
  Result<std::vector<AuditRecord>> List(const AuditQuery& query) override;

 private:
  Database& db_;
  GroupCommitWriter& writer_;
};

}  // namespace storybot
