#include "core/storage/sqlite_admin_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <future>
#include <memory>

#include "core/clock.h"

namespace storybot {
namespace {

// Runs `write` in the writer's next batch and waits for its commit.
Status WriteAndWait(GroupCommitWriter& writer,
                    const std::function<Status(SQLite::Database&)>& write) {
  auto outcome = std::make_shared<Status>();
  auto committed = std::make_shared<std::promise<Status>>();
  writer.Submit([&write, outcome](SQLite::Database& db) { *outcome = write(db); },
                [outcome, committed](Status status) {
                  committed->set_value(status.ok() ? *outcome : status);
                });
  return committed->get_future().get();  // `write` lives until here: the reference is safe
}

void BindOrNull(SQLite::Statement& q, int index, const std::string& text) {
  if (text.empty()) {
    q.bind(index);
  } else {
    q.bind(index, text);
  }
}

}  // namespace

Status SqliteAdminAccountStore::Add(const AdminAccount& a) {
  return WriteAndWait(writer_, [&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "INSERT INTO admin_accounts (name, role, token_hash, created_at) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
    q.bind(1, a.name);
    q.bind(2, AdminRoleName(a.role));
    q.bind(3, a.token_hash);
    q.bind(4, a.created_at.empty() ? NowRfc3339() : a.created_at);
    if (q.exec() == 0) {
      return Error{ErrorCode::kConflict, "admin " + a.name + " already exists"};
    }
    return {};
  });
}

Status SqliteAdminAccountStore::Remove(const std::string& name) {
  return WriteAndWait(writer_, [&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db, "DELETE FROM admin_accounts WHERE name = ?");
    q.bind(1, name);
    if (q.exec() == 0) return NotFound("admin " + name + " does not exist");
    return {};
  });
}

Result<std::vector<AdminAccount>> SqliteAdminAccountStore::List() {
  std::vector<AdminAccount> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "SELECT name, role, token_hash, created_at, last_used_at "
                        "FROM admin_accounts ORDER BY name");
    while (q.executeStep()) {
      AdminAccount a;
      a.name = q.getColumn(0).getString();
      a.role = ParseAdminRole(q.getColumn(1).getString()).value_or(AdminRole::kViewer);
      a.token_hash = q.getColumn(2).getString();
      a.created_at = q.getColumn(3).getString();
      a.last_used_at = q.getColumn(4).getString();
      out.push_back(std::move(a));
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

void SqliteAdminAccountStore::Touch(const std::string& name, const std::string& used_at) {
  writer_.Submit(
      [name, used_at](SQLite::Database& db) {
        SQLite::Statement q(db, "UPDATE admin_accounts SET last_used_at = ? WHERE name = ?");
        q.bind(1, used_at);
        q.bind(2, name);
        q.exec();
      },
      [](Status) {});  // best effort: a lost "last used" time harms nothing
}

Result<std::int64_t> SqliteAdminAccountStore::ChangeCounter() {
  std::int64_t version = 0;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    version = db.execAndGet("PRAGMA data_version").getInt64();
    return {};
  });
  if (!s.ok()) return s.error();
  return version;
}

void SqliteAuditLog::Record(AuditRecord r, std::function<void(Status)> done) {
  if (r.at.empty()) r.at = NowRfc3339();
  writer_.Submit(
      [r = std::move(r)](SQLite::Database& db) {
        SQLite::Statement q(db,
                            "INSERT INTO audit_log (at, actor, actor_role, action, method, route, "
                            "target, before_json, after_json, trace_id) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, r.at);
        q.bind(2, r.actor);
        q.bind(3, r.actor_role);
        q.bind(4, r.action);
        q.bind(5, r.method);
        q.bind(6, r.route);
        q.bind(7, r.target);
        BindOrNull(q, 8, r.before_json);
        BindOrNull(q, 9, r.after_json);
        q.bind(10, r.trace_id);
        q.exec();
      },
      std::move(done));
}

Result<std::vector<AuditRecord>> SqliteAuditLog::List(const AuditQuery& query) {
  std::vector<AuditRecord> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "SELECT id, at, actor, actor_role, action, method, route, target, "
                        "coalesce(before_json, ''), coalesce(after_json, ''), trace_id "
                        "FROM audit_log WHERE (?1 = 0 OR id < ?1) AND (?2 = '' OR actor = ?2) "
                        "ORDER BY id DESC LIMIT ?3");
    q.bind(1, query.before);
    q.bind(2, query.actor);
    q.bind(3, query.limit);
    while (q.executeStep()) {
      AuditRecord r;
      r.id = q.getColumn(0).getInt64();
      r.at = q.getColumn(1).getString();
      r.actor = q.getColumn(2).getString();
      r.actor_role = q.getColumn(3).getString();
      r.action = q.getColumn(4).getString();
      r.method = q.getColumn(5).getString();
      r.route = q.getColumn(6).getString();
      r.target = q.getColumn(7).getString();
      r.before_json = q.getColumn(8).getString();
      r.after_json = q.getColumn(9).getString();
      r.trace_id = q.getColumn(10).getString();
      out.push_back(std::move(r));
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

}  // namespace storybot
