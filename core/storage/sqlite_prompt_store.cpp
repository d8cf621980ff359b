#include "core/storage/sqlite_prompt_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <future>
#include <memory>
#include <optional>

#include "core/clock.h"

namespace storybot {
namespace {

constexpr const char* kSelectPrompt =
    "SELECT id, title, content, enabled, version, created_at, updated_at FROM prompts";

Prompt ReadPrompt(SQLite::Statement& row) {
  Prompt p;
  p.id = row.getColumn(0).getInt64();
  p.title = row.getColumn(1).getString();
  p.content = row.getColumn(2).getString();
  p.enabled = row.getColumn(3).getInt() != 0;
  p.version = row.getColumn(4).getInt64();
  p.created_at = row.getColumn(5).getString();
  p.updated_at = row.getColumn(6).getString();
  return p;
}

std::optional<Prompt> FindPrompt(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement query(db, std::string(kSelectPrompt) + " WHERE id = ?");
  query.bind(1, id);
  if (!query.executeStep()) return std::nullopt;
  return ReadPrompt(query);
}

void RecordVersion(SQLite::Database& db, const Prompt& p) {
  SQLite::Statement insert(db,
                           "INSERT INTO prompt_versions (prompt_id, version, title, content, "
                           "enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, p.id);
  insert.bind(2, p.version);
  insert.bind(3, p.title);
  insert.bind(4, p.content);
  insert.bind(5, p.enabled ? 1 : 0);
  insert.bind(6, p.updated_at);
  insert.exec();
}

Error PromptNotFound(std::int64_t id) {
  return NotFound("prompt " + std::to_string(id) + " does not exist");
}

}  // namespace

Status SqlitePromptStore::Write(const std::function<Status(SQLite::Database&)>& write) {
  if (writer_ == nullptr) {
    return db_.WithConnection([&](SQLite::Database& db) -> Status {
      // IMMEDIATE: these writes read first. Deferred, the upgrade to a writer fails at once with
      // SQLITE_BUSY (no busy wait) when another connection committed in between.
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      Status status = write(db);
      if (status.ok()) tx.commit();
      return status;
    });
  }
  auto outcome = std::make_shared<Status>();
  auto committed = std::make_shared<std::promise<Status>>();
  writer_->Submit([&write, outcome](SQLite::Database& db) { *outcome = write(db); },
                  [outcome, committed](Status status) {
                    committed->set_value(status.ok() ? *outcome : status);
                  });
  return committed->get_future().get();  // `write` lives until here: the reference is safe
}

Result<std::vector<Prompt>> SqlitePromptStore::List() {
  std::vector<Prompt> prompts;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement query(db, std::string(kSelectPrompt) + " ORDER BY id");
    while (query.executeStep()) prompts.push_back(ReadPrompt(query));
    return {};
  });
  if (!s.ok()) return s.error();
  return prompts;
}

Result<Prompt> SqlitePromptStore::Get(std::int64_t id) {
  std::optional<Prompt> found;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    found = FindPrompt(db, id);
    return {};
  });
  if (!s.ok()) return s.error();
  if (!found) return PromptNotFound(id);
  return *found;
}

Result<Prompt> SqlitePromptStore::Create(const NewPrompt& prompt) {
  Prompt created;
  Status s = Write([&](SQLite::Database& db) -> Status {
    const std::string now = NowRfc3339();
    SQLite::Statement insert(db,
                             "INSERT INTO prompts (title, content, enabled, version, created_at, "
                             "updated_at) VALUES (?, ?, ?, 1, ?, ?)");
    insert.bind(1, prompt.title);
    insert.bind(2, prompt.content);
    insert.bind(3, prompt.enabled ? 1 : 0);
    insert.bind(4, now);
    insert.bind(5, now);
    insert.exec();
    created =
        Prompt{db.getLastInsertRowid(), prompt.title, prompt.content, prompt.enabled, 1, now, now};
    RecordVersion(db, created);
    return {};
  });
  if (!s.ok()) return s.error();
  return created;
}

Result<Prompt> SqlitePromptStore::Update(std::int64_t id, const PromptChange& change) {
  std::optional<Prompt> updated;
  Status s = Write([&](SQLite::Database& db) -> Status {
    updated = FindPrompt(db, id);
    if (!updated) return {};
    if (change.title) updated->title = *change.title;
    if (change.content) updated->content = *change.content;
    if (change.enabled) updated->enabled = *change.enabled;
    updated->version += 1;
    updated->updated_at = NowRfc3339();
    SQLite::Statement write(db,
                            "UPDATE prompts SET title = ?, content = ?, enabled = ?, version = ?, "
                            "updated_at = ? WHERE id = ?");
    write.bind(1, updated->title);
    write.bind(2, updated->content);
    write.bind(3, updated->enabled ? 1 : 0);
    write.bind(4, updated->version);
    write.bind(5, updated->updated_at);
    write.bind(6, id);
    write.exec();
    RecordVersion(db, *updated);
    return {};
  });
  if (!s.ok()) return s.error();
  if (!updated) return PromptNotFound(id);
  return *updated;
}

Status SqlitePromptStore::Delete(std::int64_t id) {
  int changed = 0;
  Status s = Write([&](SQLite::Database& db) -> Status {
    SQLite::Statement remove(db, "DELETE FROM prompts WHERE id = ?");
    remove.bind(1, id);
    changed = remove.exec();
    return {};
  });
  if (!s.ok()) return s;
  if (changed == 0) return PromptNotFound(id);
  return {};
}

Result<std::vector<PromptVersion>> SqlitePromptStore::Versions(std::int64_t id) {
  std::vector<PromptVersion> versions;
  bool exists = false;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    exists = FindPrompt(db, id).has_value();
    SQLite::Statement query(db,
                            "SELECT version, title, content, enabled, created_at FROM "
                            "prompt_versions WHERE prompt_id = ? ORDER BY version DESC");
    query.bind(1, id);
    while (query.executeStep()) {
      versions.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                          query.getColumn(2).getString(), query.getColumn(3).getInt() != 0,
                          query.getColumn(4).getString()});
    }
    return {};
  });
  if (!s.ok()) return s.error();
  if (!exists) return PromptNotFound(id);
  return versions;
}

}  // namespace storybot
