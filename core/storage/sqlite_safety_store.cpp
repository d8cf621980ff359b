#include "core/storage/sqlite_safety_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/json.hpp>
#include <future>

#include "core/clock.h"

namespace storybot {
namespace {

constexpr std::int64_t kEventsKept = 10000;
constexpr const char* kWordsSetting = "blocklist";

}  // namespace

void SqliteSafetyStore::Queue(std::string_view operation, GroupCommitWriter::Write write) {
  writer_.Submit(std::move(write), [this, operation](Status status) {
    if (status.ok()) return;
    logger_.Log(LogLevel::kWarn, "safety write failed",
                {{"storybot.operation", operation},
                 {"error.message", std::string_view(status.error().message)}});
  });
}

Status SqliteSafetyStore::WriteAndWait(GroupCommitWriter::Write write) {
  auto committed = std::make_shared<std::promise<Status>>();
  writer_.Submit(std::move(write), [committed](Status status) { committed->set_value(status); });
  return committed->get_future().get();
}

Result<std::vector<std::int64_t>> SqliteSafetyStore::StoryStarts(const std::string& channel,
                                                                 const std::string& user,
                                                                 std::int64_t since) {
  std::vector<std::int64_t> starts;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement query(db,
                            "SELECT at FROM safety_story_starts WHERE channel = ? AND user_id = ? "
                            "AND at >= ?");
    query.bind(1, channel);
    query.bind(2, user);
    query.bind(3, since);
    while (query.executeStep()) starts.push_back(query.getColumn(0).getInt64());
    return {};
  });
  if (!s.ok()) return s.error();
  return starts;
}

void SqliteSafetyStore::RecordStoryStart(const std::string& channel, const std::string& user,
                                         std::int64_t at) {
  Queue("record_story_start", [channel, user, at](SQLite::Database& db) {
    SQLite::Statement drop(db,
                           "DELETE FROM safety_story_starts WHERE channel = ? AND user_id = ? "
                           "AND at < ?");
    drop.bind(1, channel);
    drop.bind(2, user);
    drop.bind(3, at - 86400);
    drop.exec();
    SQLite::Statement insert(
        db, "INSERT INTO safety_story_starts (channel, user_id, at) VALUES (?, ?, ?)");
    insert.bind(1, channel);
    insert.bind(2, user);
    insert.bind(3, at);
    insert.exec();
  });
}

Result<std::int64_t> SqliteSafetyStore::TokensUsed(std::int64_t day) {
  std::int64_t tokens = 0;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement query(db, "SELECT tokens FROM safety_token_usage WHERE day = ?");
    query.bind(1, day);
    if (query.executeStep()) tokens = query.getColumn(0).getInt64();
    return {};
  });
  if (!s.ok()) return s.error();
  return tokens;
}

void SqliteSafetyStore::AddTokens(std::int64_t day, std::int64_t tokens) {
  Queue("add_tokens", [day, tokens](SQLite::Database& db) {
    SQLite::Statement upsert(db,
                             "INSERT INTO safety_token_usage (day, tokens) VALUES (?, ?) "
                             "ON CONFLICT (day) DO UPDATE SET tokens = tokens + excluded.tokens");
    upsert.bind(1, day);
    upsert.bind(2, tokens);
    upsert.exec();
    db.exec("DELETE FROM safety_token_usage WHERE day < " + std::to_string(day - 400));
  });
}

Result<StoredSafety> SqliteSafetyStore::Load() {
  StoredSafety stored;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement query(db, "SELECT name, value FROM safety_settings");
    while (query.executeStep()) {
      const std::string name = query.getColumn(0).getString();
      const std::string value = query.getColumn(1).getString();
      if (name == kWordsSetting) {
        std::vector<std::string> words;
        const boost::json::value list = boost::json::parse(value);  // outlives the loop
        for (const auto& word : list.as_array()) {
          words.emplace_back(word.as_string());
        }
        stored.words = std::move(words);
      } else {
        stored.limits[name] = std::stoll(value);
      }
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return stored;
}

Status SqliteSafetyStore::SaveLimits(const std::map<std::string, std::int64_t>& limits) {
  return WriteAndWait([limits](SQLite::Database& db) {
    const std::string now = NowRfc3339();
    for (const auto& [name, value] : limits) {
      SQLite::Statement upsert(db,
                               "INSERT INTO safety_settings (name, value, updated_at) VALUES "
                               "(?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                               "updated_at = excluded.updated_at");
      upsert.bind(1, name);
      upsert.bind(2, std::to_string(value));
      upsert.bind(3, now);
      upsert.exec();
    }
  });
}

Status SqliteSafetyStore::SaveWords(const std::vector<std::string>& words) {
  boost::json::array list;
  for (const std::string& word : words) list.emplace_back(word);
  return WriteAndWait([value = boost::json::serialize(list)](SQLite::Database& db) {
    SQLite::Statement upsert(db,
                             "INSERT INTO safety_settings (name, value, updated_at) VALUES "
                             "(?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                             "updated_at = excluded.updated_at");
    upsert.bind(1, kWordsSetting);
    upsert.bind(2, value);
    upsert.bind(3, NowRfc3339());
    upsert.exec();
  });
}

void SqliteSafetyStore::RecordEvent(const SafetyEvent& event) {
  Queue("record_event", [event](SQLite::Database& db) {
    SQLite::Statement insert(db,
                             "INSERT INTO safety_events (at, channel, user_hash, reason, detail) "
                             "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, event.at);
    insert.bind(2, event.channel);
    insert.bind(3, event.user_hash);
    insert.bind(4, event.reason);
    insert.bind(5, event.detail);
    insert.exec();
    const std::int64_t id = db.getLastInsertRowid();
    if (id % 100 == 0) {  // trimmed now and then, not on every refusal
      db.exec("DELETE FROM safety_events WHERE id <= " + std::to_string(id - kEventsKept));
    }
  });
}

Result<std::vector<SafetyEvent>> SqliteSafetyStore::Events(int limit) {
  std::vector<SafetyEvent> events;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement query(db,
                            "SELECT at, channel, user_hash, reason, detail FROM safety_events "
                            "ORDER BY id DESC LIMIT ?");
    query.bind(1, limit);
    while (query.executeStep()) {
      events.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                        query.getColumn(2).getString(), query.getColumn(3).getString(),
                        query.getColumn(4).getString()});
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return events;
}

}  // namespace storybot
