#include "core/storage/sqlite_integration_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/json.hpp>
#include <future>
#include <memory>

#include "core/clock.h"

namespace storybot {
namespace {

std::string AllowlistJson(const std::vector<std::string>& list) {
  boost::json::array a;
  for (const std::string& s : list) a.emplace_back(s);
  return boost::json::serialize(a);
}

std::vector<std::string> AllowlistFromJson(const std::string& json) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  const auto v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

constexpr const char* kIntegrationColumns =
    "name, secret, previous_secret, previous_expires_at, callback_allowlist, created_at, "
    "rotated_at";

Integration ReadIntegration(SQLite::Statement& q) {
  Integration i;
  i.name = q.getColumn(0).getString();
  i.secret = q.getColumn(1).getString();
  i.previous_secret = q.getColumn(2).getString();
  i.previous_expires_at = q.getColumn(3).getInt64();
  i.callback_allowlist = AllowlistFromJson(q.getColumn(4).getString());
  i.created_at = q.getColumn(5).getString();
  i.rotated_at = q.getColumn(6).getString();
  return i;
}

constexpr const char* kCallbackColumns =
    "delivery_key, integration, url, message_id, payload, state, attempts, next_attempt_at, "
    "give_up_at, last_status, last_error";

CallbackRecord ReadCallback(SQLite::Statement& q, int first) {
  CallbackRecord r;
  r.delivery_key = q.getColumn(first + 0).getString();
  r.integration = q.getColumn(first + 1).getString();
  r.url = q.getColumn(first + 2).getString();
  r.message_id = q.getColumn(first + 3).getString();
  r.payload = q.getColumn(first + 4).getString();
  r.state = q.getColumn(first + 5).getString();
  r.attempts = q.getColumn(first + 6).getInt();
  r.next_attempt_at = q.getColumn(first + 7).getInt64();
  r.give_up_at = q.getColumn(first + 8).getInt64();
  r.last_status = static_cast<long>(q.getColumn(first + 9).getInt64());
  r.last_error = q.getColumn(first + 10).getString();
  return r;
}

// The row `name` as a write left it (read inside the same transaction).
std::optional<Integration> ReadBack(SQLite::Database& db, const std::string& name) {
  SQLite::Statement q(
      db, std::string("SELECT ") + kIntegrationColumns + " FROM integrations WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return ReadIntegration(q);
}

// The outcome of a write that reads its row back.
Result<Integration> Found(const Status& written, std::optional<Integration> found,
                          const std::string& name) {
  if (!written.ok()) return written.error();
  if (!found) return NotFound("integration " + name + " does not exist");
  return *std::move(found);
}

}  // namespace

Result<std::vector<Integration>> SqliteIntegrationStore::List() {
  std::vector<Integration> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(
        db, std::string("SELECT ") + kIntegrationColumns + " FROM integrations ORDER BY name");
    while (q.executeStep()) out.push_back(ReadIntegration(q));
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

Status SqliteIntegrationStore::Write(const std::function<Status(SQLite::Database&)>& write) {
  // On the writer's connection, as every other write: the read connection never waits in
  // SQLite's busy handler behind a group commit (and holds up every reader meanwhile).
  auto outcome = std::make_shared<Status>();
  auto committed = std::make_shared<std::promise<Status>>();
  writer_.Submit([&write, outcome](SQLite::Database& db) { *outcome = write(db); },
                 [outcome, committed](Status status) {
                   committed->set_value(status.ok() ? *outcome : status);
                 });
  return committed->get_future().get();  // `write` lives until here: the reference is safe
}

Status SqliteIntegrationStore::Create(const Integration& i) {
  return Write([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "INSERT INTO integrations (name, secret, previous_secret, "
                        "previous_expires_at, callback_allowlist, created_at, rotated_at) "
                        "VALUES (?, ?, '', 0, ?, ?, '') ON CONFLICT (name) DO NOTHING");
    q.bind(1, i.name);
    q.bind(2, i.secret);
    q.bind(3, AllowlistJson(i.callback_allowlist));
    q.bind(4, i.created_at);
    if (q.exec() == 0) {
      return Error{ErrorCode::kConflict, "integration " + i.name + " already exists"};
    }
    return {};
  });
}

Result<Integration> SqliteIntegrationStore::Rotate(const std::string& name,
                                                   const std::string& new_secret,
                                                   std::int64_t previous_expires_at,
                                                   const std::string& rotated_at) {
  std::optional<Integration> found;
  Status s = Write([&](SQLite::Database& db) -> Status {
    SQLite::Statement update(db,
                             "UPDATE integrations SET previous_secret = secret, "
                             "previous_expires_at = ?, secret = ?, rotated_at = ? WHERE name = ?");
    update.bind(1, previous_expires_at);
    update.bind(2, new_secret);
    update.bind(3, rotated_at);
    update.bind(4, name);
    if (update.exec() == 0) return NotFound("integration " + name + " does not exist");
    found = ReadBack(db, name);
    return {};
  });
  return Found(s, std::move(found), name);
}

Status SqliteIntegrationStore::Delete(const std::string& name) {
  return Write([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db, "DELETE FROM integrations WHERE name = ?");
    q.bind(1, name);
    if (q.exec() == 0) return NotFound("integration " + name + " does not exist");
    return {};
  });
}

Result<Integration> SqliteIntegrationStore::SetAllowlist(
    const std::string& name, const std::vector<std::string>& allowlist) {
  std::optional<Integration> found;
  Status s = Write([&](SQLite::Database& db) -> Status {
    SQLite::Statement update(db, "UPDATE integrations SET callback_allowlist = ? WHERE name = ?");
    update.bind(1, AllowlistJson(allowlist));
    update.bind(2, name);
    if (update.exec() == 0) return NotFound("integration " + name + " does not exist");
    found = ReadBack(db, name);
    return {};
  });
  return Found(s, std::move(found), name);
}

void SqliteIntegrationStore::AddCallback(const CallbackRecord& record,
                                         std::function<void(Status)> done) {
  writer_.Submit(
      [record](SQLite::Database& db) {
        const std::string now = NowRfc3339();
        // A resent reply (after a crash between send and commit) keeps the first record.
        SQLite::Statement q(db,
                            "INSERT INTO webhook_callbacks (delivery_key, integration, url, "
                            "message_id, payload, state, attempts, next_attempt_at, give_up_at, "
                            "last_status, last_error, created_at, updated_at) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (delivery_key) DO NOTHING");
        q.bind(1, record.delivery_key);
        q.bind(2, record.integration);
        q.bind(3, record.url);
        q.bind(4, record.message_id);
        q.bind(5, record.payload);
        q.bind(6, record.state);
        q.bind(7, record.attempts);
        q.bind(8, record.next_attempt_at);
        q.bind(9, record.give_up_at);
        q.bind(10, static_cast<std::int64_t>(record.last_status));
        q.bind(11, record.last_error);
        q.bind(12, now);
        q.bind(13, now);
        q.exec();
      },
      std::move(done));
}

void SqliteIntegrationStore::UpdateCallback(const CallbackRecord& record,
                                            std::function<void(Status)> done) {
  writer_.Submit(
      [record](SQLite::Database& db) {
        SQLite::Statement q(db,
                            "UPDATE webhook_callbacks SET state = ?, attempts = ?, "
                            "next_attempt_at = ?, last_status = ?, last_error = ?, "
                            "updated_at = ? WHERE delivery_key = ?");
        q.bind(1, record.state);
        q.bind(2, record.attempts);
        q.bind(3, record.next_attempt_at);
        q.bind(4, static_cast<std::int64_t>(record.last_status));
        q.bind(5, record.last_error);
        q.bind(6, NowRfc3339());
        q.bind(7, record.delivery_key);
        q.exec();
      },
      std::move(done));
}

Result<std::vector<CallbackRecord>> SqliteIntegrationStore::PendingCallbacks() {
  std::vector<CallbackRecord> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db, std::string("SELECT ") + kCallbackColumns +
                                " FROM webhook_callbacks WHERE state = 'pending' "
                                "ORDER BY next_attempt_at");
    while (q.executeStep()) out.push_back(ReadCallback(q, 0));
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::optional<WebhookJob>> SqliteIntegrationStore::FindJobWhere(
    const std::string& where, const std::function<void(void*)>& bind) {
  std::optional<WebhookJob> job;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(
        db,
        "SELECT d.id, d.dedupe_key, d.chat_id, d.state, d.reply, d.created_at, "
        "d.updated_at, c.delivery_key IS NOT NULL, " +
            [] {
              std::string cols;
              for (const char* c :
                   {"delivery_key", "integration", "url", "message_id", "payload", "state",
                    "attempts", "next_attempt_at", "give_up_at", "last_status", "last_error"}) {
                cols += std::string(cols.empty() ? "" : ", ") + "c." + c;
              }
              return cols;
            }() +
            " FROM deliveries d LEFT JOIN webhook_callbacks c ON "
            "c.delivery_key = d.dedupe_key WHERE d.channel = 'webhook' AND " +
            where);
    bind(&q);
    if (!q.executeStep()) return {};
    WebhookJob j;
    j.id = q.getColumn(0).getInt64();
    j.delivery_key = q.getColumn(1).getString();
    j.chat_id = q.getColumn(2).getString();
    j.state = q.getColumn(3).getString();
    if (!q.getColumn(4).isNull()) j.reply = q.getColumn(4).getString();
    j.created_at = q.getColumn(5).getString();
    j.updated_at = q.getColumn(6).getString();
    if (q.getColumn(7).getInt() != 0) j.callback = ReadCallback(q, 8);
    job = std::move(j);
    return {};
  });
  if (!s.ok()) return s.error();
  return job;
}

Result<std::optional<WebhookJob>> SqliteIntegrationStore::FindJob(std::int64_t id,
                                                                  const std::string& key_prefix) {
  auto job =
      FindJobWhere("d.id = ?", [id](void* q) { static_cast<SQLite::Statement*>(q)->bind(1, id); });
  if (!job.ok()) return job;
  // The prefix check in C++, not LIKE: names and ids may hold '_' and '%'.
  if (job.value() && !job.value()->delivery_key.starts_with(key_prefix)) {
    return std::optional<WebhookJob>();
  }
  return job;
}

Result<std::optional<WebhookJob>> SqliteIntegrationStore::FindJobByKey(
    const std::string& delivery_key) {
  return FindJobWhere("d.dedupe_key = ?", [&delivery_key](void* q) {
    static_cast<SQLite::Statement*>(q)->bind(1, delivery_key);
  });
}

Result<ConversationRef> SqliteIntegrationStore::FindConversation(const std::string& channel,
                                                                 const std::string& chat_id) {
  ConversationRef ref;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(
        db, "SELECT id, prompt_id FROM conversations WHERE channel = ? AND chat_id = ?");
    q.bind(1, channel);
    q.bind(2, chat_id);
    if (q.executeStep()) {
      ref.id = q.getColumn(0).getInt64();
      ref.prompt_id = q.getColumn(1).getInt64();
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return ref;
}

}  // namespace storybot
