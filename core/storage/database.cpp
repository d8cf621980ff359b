#include "core/storage/database.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>

#include "core/storage/file_modes.h"

namespace storybot {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "prompts and their version history", R"sql(
        CREATE TABLE prompts (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          title      TEXT    NOT NULL,
          content    TEXT    NOT NULL,
          enabled    INTEGER NOT NULL DEFAULT 1,
          version    INTEGER NOT NULL DEFAULT 1,
          created_at TEXT    NOT NULL,
          updated_at TEXT    NOT NULL
        );
        CREATE TABLE prompt_versions (
          prompt_id  INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
          version    INTEGER NOT NULL,
          title      TEXT    NOT NULL,
          content    TEXT    NOT NULL,
          enabled    INTEGER NOT NULL,
          created_at TEXT    NOT NULL,
          PRIMARY KEY (prompt_id, version)
        );
      )sql"},
      {2, "deliveries (the durable inbox), conversations and their messages", R"sql(
        CREATE TABLE deliveries (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          channel     TEXT    NOT NULL,
          dedupe_key  TEXT    NOT NULL,
          chat_id     TEXT    NOT NULL,
          message     TEXT    NOT NULL,
          state       TEXT    NOT NULL DEFAULT 'pending',
          attempts    INTEGER NOT NULL DEFAULT 0,
          reply       TEXT,
          last_error  TEXT,
          created_at  TEXT    NOT NULL,
          updated_at  TEXT    NOT NULL,
          UNIQUE (channel, dedupe_key)
        );
        CREATE INDEX deliveries_by_state ON deliveries (state, id);
        CREATE TABLE conversations (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          channel     TEXT    NOT NULL,
          chat_id     TEXT    NOT NULL,
          has_story   INTEGER NOT NULL DEFAULT 0,
          prompt_id   INTEGER NOT NULL DEFAULT 0,
          request     TEXT    NOT NULL DEFAULT '',
          seed        INTEGER NOT NULL DEFAULT 0,
          chapter     INTEGER NOT NULL DEFAULT 0,
          created_at  TEXT    NOT NULL,
          updated_at  TEXT    NOT NULL,
          UNIQUE (channel, chat_id)
        );
        CREATE TABLE messages (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
          role            TEXT    NOT NULL,
          content         TEXT    NOT NULL,
          in_story        INTEGER NOT NULL DEFAULT 0,
          created_at      TEXT    NOT NULL
        );
        CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
      )sql"},
      {3, "generic-webhook integrations and the outbox of their signed callbacks", R"sql(
        CREATE TABLE integrations (
          name                TEXT    PRIMARY KEY,
          secret              TEXT    NOT NULL,
          previous_secret     TEXT    NOT NULL DEFAULT '',
          previous_expires_at INTEGER NOT NULL DEFAULT 0,
          callback_allowlist  TEXT    NOT NULL DEFAULT '[]',
          created_at          TEXT    NOT NULL,
          rotated_at          TEXT    NOT NULL DEFAULT ''
        );
        CREATE TABLE webhook_callbacks (
          delivery_key    TEXT    PRIMARY KEY,
          integration     TEXT    NOT NULL,
          url             TEXT    NOT NULL,
          message_id      TEXT    NOT NULL,
          payload         TEXT    NOT NULL,
          state           TEXT    NOT NULL DEFAULT 'pending',
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          give_up_at      INTEGER NOT NULL,
          last_status     INTEGER NOT NULL DEFAULT 0,
          last_error      TEXT    NOT NULL DEFAULT '',
          created_at      TEXT    NOT NULL,
          updated_at      TEXT    NOT NULL
        );
        CREATE INDEX webhook_callbacks_by_state ON webhook_callbacks (state, next_attempt_at);
      )sql"},
      {4, "a conversation's story keeps its hero, language and premise for /continue", R"sql(
        ALTER TABLE conversations ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE conversations ADD COLUMN language TEXT NOT NULL DEFAULT '';
        ALTER TABLE conversations ADD COLUMN premise TEXT NOT NULL DEFAULT '';
        ALTER TABLE conversations ADD COLUMN premise_language TEXT NOT NULL DEFAULT '';
      )sql"},
      {5, "how many pieces of a split reply went out (a retry sends only the rest)", R"sql(
        ALTER TABLE deliveries ADD COLUMN pieces_sent INTEGER NOT NULL DEFAULT 0;
      )sql"},
      {6, "safety: story starts per user (quotas), LLM tokens per day, admin settings, refusals",
       R"sql(
        CREATE TABLE safety_story_starts (
          channel TEXT    NOT NULL,
          user_id TEXT    NOT NULL,
          at      INTEGER NOT NULL
        );
        CREATE INDEX safety_story_starts_by_user ON safety_story_starts (channel, user_id, at);
        CREATE TABLE safety_token_usage (
          day    INTEGER PRIMARY KEY,
          tokens INTEGER NOT NULL
        );
        CREATE TABLE safety_settings (
          name       TEXT PRIMARY KEY,
          value      TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE safety_events (
          id        INTEGER PRIMARY KEY AUTOINCREMENT,
          at        TEXT NOT NULL,
          channel   TEXT NOT NULL,
          user_hash TEXT NOT NULL,
          reason    TEXT NOT NULL,
          detail    TEXT NOT NULL DEFAULT ''
        );
      )sql"},
      {7, "named admin accounts (hashed tokens, a role) and the audit trail of admin writes", R"sql(
        CREATE TABLE admin_accounts (
          name         TEXT PRIMARY KEY,
          role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
          token_hash   TEXT NOT NULL UNIQUE,
          created_at   TEXT NOT NULL,
          last_used_at TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE audit_log (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          at          TEXT NOT NULL,
          actor       TEXT NOT NULL,
          actor_role  TEXT NOT NULL,
          action      TEXT NOT NULL,
          method      TEXT NOT NULL,
          route       TEXT NOT NULL,
          target      TEXT NOT NULL DEFAULT '',
          before_json TEXT,
          after_json  TEXT,
          trace_id    TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
      )sql"},
      {8, "hourly rollups for the admin panel's charts (core/stats/rollup.h)", R"sql(
        CREATE TABLE stats_hourly (
          hour   INTEGER NOT NULL,
          series TEXT    NOT NULL,
          label  TEXT    NOT NULL DEFAULT '',
          value  INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (hour, series, label)
        ) WITHOUT ROWID;
        CREATE INDEX stats_hourly_by_series ON stats_hourly (series, hour);
      )sql"},
      {10, "who wrote each message (the panel's user filter) and stories written per prompt",
       R"sql(
        ALTER TABLE messages ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
        CREATE TABLE prompt_usage (
          prompt_id INTEGER PRIMARY KEY,
          stories   INTEGER NOT NULL DEFAULT 0
        );
      )sql"},
  };
  return migrations;
}

Status MigrateTo(SQLite::Database& db, int target) {
  try {
    int current = db.execAndGet("PRAGMA user_version").getInt();
    for (const Migration& m : Migrations()) {
      if (m.version <= current || m.version > target) continue;
      SQLite::Transaction tx(db);
      db.exec(std::string(m.sql));
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
      tx.commit();
      current = m.version;
    }
  } catch (const std::exception& e) {
    return Unavailable(std::string("database migration failed: ") + e.what());
  }
  return {};
}

Database::Database(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  try {
    // Private from the start: the file holds integration secrets, and SQLite creates the -wal
    // and -shm files with the database file's mode.
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      Status dir = CreatePrivateDir(parent.string());
      if (!dir.ok()) return dir.error();
    }
    Status file = CreatePrivateFile(path);
    if (!file.ok()) return file.error();
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->setBusyTimeout(5000);
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    const int newest = Migrations().back().version;
    const int found = db->execAndGet("PRAGMA user_version").getInt();
    if (found > newest) {
      return Unavailable("database " + path + " has schema version " + std::to_string(found) +
                         ", newer than this storybot knows (" + std::to_string(newest) + ")");
    }
    Status migrated = MigrateTo(*db, newest);
    if (!migrated.ok()) return migrated.error();
    return std::unique_ptr<Database>(new Database(std::move(db)));
  } catch (const std::exception& e) {
    return Unavailable("cannot open database " + path + ": " + e.what());
  }
}

Status Database::WithConnection(const std::function<Status(SQLite::Database&)>& work) {
  std::lock_guard lock(mutex_);
  try {
    return work(*db_);
  } catch (const std::exception& e) {
    return Unavailable(std::string("database error: ") + e.what());
  }
}

int Database::SchemaVersion() {
  int version = -1;
  Status s = WithConnection([&](SQLite::Database& db) -> Status {
    version = db.execAndGet("PRAGMA user_version").getInt();
    return {};
  });
  return s.ok() ? version : -1;
}

bool Database::Healthy() {
  bool ok = false;
  Status s = WithConnection([&](SQLite::Database& db) -> Status {
    ok = db.execAndGet("SELECT 1").getInt() == 1;
    return {};
  });
  return s.ok() && ok;
}

}  // namespace storybot
