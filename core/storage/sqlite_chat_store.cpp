#include "core/storage/sqlite_chat_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "core/clock.h"

namespace storybot {
namespace {

std::string Field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The conversation row for (channel, chat), created if missing; returns its id.
std::int64_t ConversationId(SQLite::Database& db, const std::string& channel,
                            const std::string& chat_id, const std::string& now) {
  SQLite::Statement insert(db,
                           "INSERT INTO conversations (channel, chat_id, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT (channel, chat_id) "
                           "DO UPDATE SET updated_at = excluded.updated_at");
  insert.bind(1, channel);
  insert.bind(2, chat_id);
  insert.bind(3, now);
  insert.bind(4, now);
  insert.exec();
  SQLite::Statement id(db, "SELECT id FROM conversations WHERE channel = ? AND chat_id = ?");
  id.bind(1, channel);
  id.bind(2, chat_id);
  id.executeStep();
  return id.getColumn(0).getInt64();
}

struct NewMessage {
  const std::string& role;
  const std::string& content;
  bool in_story;
  const std::string& user_id;
  const std::string& user_name;
};

void AddMessage(SQLite::Database& db, std::int64_t conversation, const NewMessage& m,
                const std::string& now) {
  SQLite::Statement insert(db,
                           "INSERT INTO messages (conversation_id, role, content, in_story, "
                           "created_at, user_id, user_name) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, conversation);
  insert.bind(2, m.role);
  insert.bind(3, m.content);
  insert.bind(4, m.in_story ? 1 : 0);
  insert.bind(5, now);
  insert.bind(6, m.user_id);
  insert.bind(7, m.user_name);
  insert.exec();
}

// What /reset does to a conversation: its story is forgotten, its messages stay.
void ForgetStory(SQLite::Database& db, std::int64_t conversation) {
  SQLite::Statement forget(db, "UPDATE messages SET in_story = 0 WHERE conversation_id = ?");
  forget.bind(1, conversation);
  forget.exec();
  SQLite::Statement reset(db,
                          "UPDATE conversations SET has_story = 0, prompt_id = 0, request = '', "
                          "seed = 0, chapter = 0, user_name = '', language = '', premise = '', "
                          "premise_language = '' WHERE id = ?");
  reset.bind(1, conversation);
  reset.exec();
}

// One more story reply written with the conversation's prompt (the built-in one, id 0, is not
// a stored prompt and is not counted).
void CountPromptUse(SQLite::Database& db, std::int64_t conversation) {
  SQLite::Statement count(db,
                          "INSERT INTO prompt_usage (prompt_id, stories) SELECT prompt_id, 1 "
                          "FROM conversations WHERE id = ? AND prompt_id > 0 "
                          "ON CONFLICT (prompt_id) DO UPDATE SET stories = stories + 1");
  count.bind(1, conversation);
  count.exec();
}

Conversation ConversationRow(SQLite::Statement& q) {
  Conversation c;
  c.id = q.getColumn(0).getInt64();
  c.channel = q.getColumn(1).getString();
  c.chat_id = q.getColumn(2).getString();
  c.updated_at = q.getColumn(3).getString();
  c.created_at = q.getColumn(4).getString();
  c.has_story = q.getColumn(5).getInt() != 0;
  c.chapter = q.getColumn(6).getInt();
  c.user_name = q.getColumn(7).getString();
  c.message_count = q.getColumn(8).getInt64();
  return c;
}

constexpr const char* kConversationColumns =
    "SELECT c.id, c.channel, c.chat_id, c.updated_at, c.created_at, c.has_story, c.chapter, "
    "COALESCE((SELECT user_name FROM messages WHERE conversation_id = c.id AND user_name != '' "
    "ORDER BY id DESC LIMIT 1), ''), "
    "(SELECT COUNT(*) FROM messages WHERE conversation_id = c.id) FROM conversations c ";

// The messages of a conversation, oldest first: the newest `limit` of them (all when < 0).
std::vector<ConversationMessage> Messages(SQLite::Database& db, std::int64_t conversation,
                                          int limit) {
  SQLite::Statement m(db,
                      "SELECT role, content, created_at, user_id, user_name, in_story FROM "
                      "(SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC "
                      "LIMIT ?) ORDER BY id");
  m.bind(1, conversation);
  m.bind(2, limit);
  std::vector<ConversationMessage> out;
  while (m.executeStep()) {
    out.push_back({m.getColumn(0).getString(), m.getColumn(1).getString(),
                   m.getColumn(2).getString(), m.getColumn(3).getString(),
                   m.getColumn(4).getString(), m.getColumn(5).getInt() != 0});
  }
  return out;
}

Error ConversationNotFound(std::int64_t id) {
  return NotFound("conversation " + std::to_string(id) + " does not exist");
}

// The WHERE clause of a job list in `state` (validated by the caller; empty: every listed state).
const char* JobStateFilter(const std::string& state) {
  if (state == "waiting") return "state = 'pending' AND attempts = 0";
  if (state == "retrying") return "state = 'pending' AND attempts > 0";
  if (state == "dead") return "state = 'dead'";
  if (state == "failed") return "state = 'failed'";
  return "state IN ('pending', 'dead', 'failed')";
}

Error JobNotFound(std::int64_t job_id) {
  return NotFound("job " + std::to_string(job_id) + " does not exist");
}

// Admin actions on a job apply only to the ones that gave up: a discarded job is gone (not
// found), a pending or done one is in the wrong state.
std::optional<Error> CheckGivenUp(SQLite::Database& db, std::int64_t job_id) {
  SQLite::Statement q(db, "SELECT state FROM deliveries WHERE id = ?");
  q.bind(1, job_id);
  if (!q.executeStep()) return JobNotFound(job_id);
  const std::string state = q.getColumn(0).getString();
  if (state == "discarded") return JobNotFound(job_id);
  if (state != "dead" && state != "failed") {
    return Error{ErrorCode::kConflict,
                 "job " + std::to_string(job_id) + " is " + state + ", not dead or failed"};
  }
  return std::nullopt;
}

}  // namespace

std::string MessageToJson(const InboundMessage& m) {
  boost::json::object variables;
  for (const auto& [name, value] : m.variables) variables[name] = value;
  return boost::json::serialize(boost::json::object{{"channel", m.channel},
                                                    {"chat_id", m.chat_id},
                                                    {"user_id", m.user_id},
                                                    {"user_name", m.user_name},
                                                    {"language_hint", m.language_hint},
                                                    {"language", m.language},
                                                    {"text", m.text},
                                                    {"reply_context", m.reply_context},
                                                    {"trace_id", m.trace_id},
                                                    {"prompt_id", m.prompt_id},
                                                    {"variables", std::move(variables)}});
}

Result<InboundMessage> MessageFromJson(const std::string& json) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return Internal("stored message is not JSON");
  const auto& o = value.as_object();
  InboundMessage message;
  message.channel = Field(o, "channel");
  message.chat_id = Field(o, "chat_id");
  message.user_id = Field(o, "user_id");
  message.user_name = Field(o, "user_name");
  message.language_hint = Field(o, "language_hint");
  message.language = Field(o, "language");
  message.text = Field(o, "text");
  message.reply_context = Field(o, "reply_context");
  message.trace_id = Field(o, "trace_id");
  if (const auto* id = o.if_contains("prompt_id"); id != nullptr && id->is_int64()) {
    message.prompt_id = id->as_int64();
  }
  if (const auto* vars = o.if_contains("variables"); vars != nullptr && vars->is_object()) {
    for (const auto& [name, v] : vars->as_object()) {
      if (v.is_string()) message.variables[std::string(name)] = std::string(v.as_string());
    }
  }
  return message;
}

void SqliteChatStore::Enqueue(const std::string& dedupe_key, const InboundMessage& message,
                              std::function<void(Result<EnqueueResult>)> done) {
  auto result = std::make_shared<EnqueueResult>();
  writer_.Submit(
      [result, dedupe_key, message, json = MessageToJson(message)](SQLite::Database& db) {
        const std::string now = NowRfc3339();
        SQLite::Statement insert(db,
                                 "INSERT INTO deliveries (channel, dedupe_key, chat_id, message, "
                                 "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                                 "ON CONFLICT (channel, dedupe_key) DO NOTHING");
        insert.bind(1, message.channel);
        insert.bind(2, dedupe_key);
        insert.bind(3, message.chat_id);
        insert.bind(4, json);
        insert.bind(5, now);
        insert.bind(6, now);
        if (insert.exec() == 1) {
          result->job_id = db.getLastInsertRowid();
          return;
        }
        result->duplicate = true;
        SQLite::Statement existing(
            db, "SELECT id FROM deliveries WHERE channel = ? AND dedupe_key = ?");
        existing.bind(1, message.channel);
        existing.bind(2, dedupe_key);
        if (existing.executeStep()) result->job_id = existing.getColumn(0).getInt64();
      },
      [result, done = std::move(done)](Status status) {
        if (!status.ok()) return done(status.error());
        done(*result);
      });
}

Result<std::vector<Job>> SqliteChatStore::PendingJobs() {
  std::vector<Job> jobs;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(
        db,
        "SELECT id, dedupe_key, message, attempts, reply, pieces_sent FROM deliveries "
        "WHERE state = 'pending' ORDER BY id");
    while (q.executeStep()) {
      Result<InboundMessage> message = MessageFromJson(q.getColumn(2).getString());
      if (!message.ok()) continue;
      Job job{q.getColumn(0).getInt64(), q.getColumn(1).getString(), std::move(message).value(),
              q.getColumn(3).getInt(), std::nullopt};
      if (!q.getColumn(4).isNull()) job.reply = q.getColumn(4).getString();
      job.pieces_sent = q.getColumn(5).getInt();
      jobs.push_back(std::move(job));
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return jobs;
}

Result<ChatState> SqliteChatStore::LoadChat(const std::string& channel,
                                            const std::string& chat_id) {
  ChatState state;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db,
                        "SELECT id, has_story, prompt_id, request, seed, chapter, user_name, "
                        "language, premise, premise_language FROM conversations "
                        "WHERE channel = ? AND chat_id = ?");
    q.bind(1, channel);
    q.bind(2, chat_id);
    if (!q.executeStep()) return {};
    const std::int64_t id = q.getColumn(0).getInt64();
    state.has_story = q.getColumn(1).getInt() != 0;
    state.prompt_id = q.getColumn(2).getInt64();
    state.request = q.getColumn(3).getString();
    state.seed = static_cast<std::uint64_t>(q.getColumn(4).getInt64());
    state.chapter = q.getColumn(5).getInt();
    state.user_name = q.getColumn(6).getString();
    state.language = q.getColumn(7).getString();
    state.premise = q.getColumn(8).getString();
    state.premise_language = q.getColumn(9).getString();
    if (!state.has_story) return {};
    SQLite::Statement turns(db,
                            "SELECT role, content FROM messages WHERE conversation_id = ? AND "
                            "in_story = 1 ORDER BY id");
    turns.bind(1, id);
    while (turns.executeStep()) {
      state.turns.push_back({turns.getColumn(0).getString(), turns.getColumn(1).getString()});
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return state;
}

void SqliteChatStore::SaveReply(const Job& job, const std::string& reply, const ChatUpdate& update,
                                std::function<void(Status)> done) {
  writer_.Submit(
      [job_id = job.id, channel = job.message.channel, chat_id = job.message.chat_id,
       user_text = job.message.text, user_id = job.message.user_id,
       user_name = job.message.user_name, reply, update](SQLite::Database& db) {
        const std::string now = NowRfc3339();
        SQLite::Statement save(
            db, "UPDATE deliveries SET reply = ?, updated_at = ? WHERE id = ? AND reply IS NULL");
        save.bind(1, reply);
        save.bind(2, now);
        save.bind(3, job_id);
        if (save.exec() == 0) return;  // saved before (a retry after a crash): nothing more to do
        const std::int64_t conversation = ConversationId(db, channel, chat_id, now);
        const bool story = update.kind == ChatUpdate::Kind::kNewStory ||
                           update.kind == ChatUpdate::Kind::kContinue;
        if (update.kind == ChatUpdate::Kind::kNewStory) {
          SQLite::Statement forget(db,
                                   "UPDATE messages SET in_story = 0 WHERE conversation_id = ?");
          forget.bind(1, conversation);
          forget.exec();
          SQLite::Statement start(db,
                                  "UPDATE conversations SET has_story = 1, prompt_id = ?, "
                                  "request = ?, seed = ?, chapter = 1, user_name = ?, "
                                  "language = ?, premise = ?, premise_language = ? WHERE id = ?");
          start.bind(1, update.prompt_id);
          start.bind(2, update.request);
          start.bind(3, static_cast<std::int64_t>(update.seed));
          start.bind(4, update.user_name);
          start.bind(5, update.language);
          start.bind(6, update.premise);
          start.bind(7, update.premise_language);
          start.bind(8, conversation);
          start.exec();
        } else if (update.kind == ChatUpdate::Kind::kContinue) {
          SQLite::Statement next(db, "UPDATE conversations SET chapter = chapter + 1 WHERE id = ?");
          next.bind(1, conversation);
          next.exec();
        } else if (update.kind == ChatUpdate::Kind::kReset) {
          ForgetStory(db, conversation);
        }
        if (story) CountPromptUse(db, conversation);
        const std::string none;
        AddMessage(db, conversation,
                   {"user", story ? update.user_turn : user_text, story, user_id, user_name}, now);
        AddMessage(db, conversation, {"assistant", reply, story, none, none}, now);
      },
      [this, done = std::move(done)](Status status) {
        // Any reply may have counted a story: GET /api/prompts re-reads the counts.
        if (status.ok()) usage_generation_.fetch_add(1);
        done(std::move(status));
      });
}

void SqliteChatStore::RetryLater(std::int64_t job_id, int attempts, int pieces_sent,
                                 const std::string& error, std::function<void(Status)> done) {
  writer_.Submit(
      [job_id, attempts, pieces_sent, error](SQLite::Database& db) {
        SQLite::Statement q(db,
                            "UPDATE deliveries SET attempts = ?, pieces_sent = ?, last_error = ?, "
                            "updated_at = ? WHERE id = ?");
        q.bind(1, attempts);
        q.bind(2, pieces_sent);
        q.bind(3, error);
        q.bind(4, NowRfc3339());
        q.bind(5, job_id);
        q.exec();
      },
      std::move(done));
}

void SqliteChatStore::Finish(std::int64_t job_id, JobEnd end, const std::string& error,
                             std::function<void(Status)> done) {
  const char* state = end == JobEnd::kDone ? "done" : end == JobEnd::kDead ? "dead" : "failed";
  writer_.Submit(
      [job_id, state, error](SQLite::Database& db) {
        SQLite::Statement q(db,
                            "UPDATE deliveries SET state = ?, last_error = NULLIF(?, ''), "
                            "updated_at = ? WHERE id = ?");
        q.bind(1, state);
        q.bind(2, error);
        q.bind(3, NowRfc3339());
        q.bind(4, job_id);
        q.exec();
      },
      std::move(done));
}

Result<std::vector<JobSummary>> SqliteChatStore::ListJobs(const std::string& state, int limit) {
  std::vector<JobSummary> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db, std::string("SELECT id, channel, chat_id, state, attempts, last_error, "
                                        "message, created_at, updated_at FROM deliveries WHERE ") +
                                JobStateFilter(state) + " ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    while (q.executeStep()) {
      JobSummary job;
      job.id = q.getColumn(0).getInt64();
      job.channel = q.getColumn(1).getString();
      job.chat_id = q.getColumn(2).getString();
      job.state = q.getColumn(3).getString();
      job.attempts = q.getColumn(4).getInt();
      if (job.state == "pending") job.state = job.attempts == 0 ? "waiting" : "retrying";
      if (!q.getColumn(5).isNull()) job.last_error = q.getColumn(5).getString();
      // The trace id lives in the stored message; an unreadable one still lists the job.
      if (auto message = MessageFromJson(q.getColumn(6).getString()); message.ok()) {
        job.trace_id = message.value().trace_id;
      }
      job.created_at = q.getColumn(7).getString();
      job.updated_at = q.getColumn(8).getString();
      out.push_back(std::move(job));
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

void SqliteChatStore::Requeue(std::int64_t job_id, std::function<void(Result<Job>)> done) {
  auto result = std::make_shared<Result<Job>>(JobNotFound(job_id));
  writer_.Submit(
      [job_id, result](SQLite::Database& db) {
        if (auto refused = CheckGivenUp(db, job_id)) {
          *result = *refused;
          return;
        }
        SQLite::Statement requeue(db,
                                  "UPDATE deliveries SET state = 'pending', attempts = 0, "
                                  "last_error = NULL, updated_at = ? WHERE id = ?");
        requeue.bind(1, NowRfc3339());
        requeue.bind(2, job_id);
        requeue.exec();
        SQLite::Statement q(
            db, "SELECT dedupe_key, message, reply, pieces_sent FROM deliveries WHERE id = ?");
        q.bind(1, job_id);
        q.executeStep();
        Result<InboundMessage> message = MessageFromJson(q.getColumn(1).getString());
        if (!message.ok()) throw std::runtime_error(message.error().message);  // undoes it
        Job job{job_id, q.getColumn(0).getString(), std::move(message).value(), 0, std::nullopt};
        if (!q.getColumn(2).isNull()) job.reply = q.getColumn(2).getString();
        job.pieces_sent = q.getColumn(3).getInt();
        *result = std::move(job);
      },
      [result, done = std::move(done)](Status status) {
        if (!status.ok()) return done(status.error());
        done(std::move(*result));
      });
}

void SqliteChatStore::Discard(std::int64_t job_id, std::function<void(Status)> done) {
  auto result = std::make_shared<Status>();
  writer_.Submit(
      [job_id, result](SQLite::Database& db) {
        if (auto refused = CheckGivenUp(db, job_id)) {
          *result = *refused;
          return;
        }
        SQLite::Statement q(
            db, "UPDATE deliveries SET state = 'discarded', updated_at = ? WHERE id = ?");
        q.bind(1, NowRfc3339());
        q.bind(2, job_id);
        q.exec();
      },
      [result, done = std::move(done)](Status status) {
        if (!status.ok()) return done(status);
        done(*result);
      });
}

std::string LikeContains(std::string_view text) {
  std::string pattern = "%";
  for (const char c : text) {
    if (c == '\\' || c == '%' || c == '_') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

Result<std::vector<Conversation>> SqliteChatStore::RecentConversations(
    const ConversationFilter& filter) {
  std::vector<Conversation> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(
        db, std::string(kConversationColumns) +
                "WHERE (?1 = '' OR c.channel = ?1) "
                "AND (?2 = '' OR c.chat_id = ?2 OR EXISTS (SELECT 1 FROM messages u WHERE "
                "u.conversation_id = c.id AND (u.user_id = ?2 OR u.user_name LIKE ?3 ESCAPE "
                "'\\'))) "
                "AND (?4 = '' OR EXISTS (SELECT 1 FROM messages t WHERE t.conversation_id = c.id "
                "AND t.content LIKE ?5 ESCAPE '\\')) "
                "ORDER BY c.updated_at DESC, c.id DESC LIMIT ?6 OFFSET ?7");
    q.bind(1, filter.channel);
    q.bind(2, filter.user);
    q.bind(3, LikeContains(filter.user));
    q.bind(4, filter.text);
    q.bind(5, LikeContains(filter.text));
    q.bind(6, filter.limit);
    q.bind(7, filter.offset);
    while (q.executeStep()) out.push_back(ConversationRow(q));
    for (Conversation& c : out) c.messages = Messages(db, c.id, 20);
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<Conversation> SqliteChatStore::Transcript(std::int64_t conversation_id) {
  std::optional<Conversation> found;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db, std::string(kConversationColumns) + "WHERE c.id = ?");
    q.bind(1, conversation_id);
    if (!q.executeStep()) return {};
    found = ConversationRow(q);
    found->messages = Messages(db, conversation_id, -1);
    return {};
  });
  if (!s.ok()) return s.error();
  if (!found) return ConversationNotFound(conversation_id);
  return *std::move(found);
}

void SqliteChatStore::ResetConversation(std::int64_t conversation_id,
                                        std::function<void(Status)> done) {
  auto result = std::make_shared<Status>();
  writer_.Submit(
      [conversation_id, result](SQLite::Database& db) {
        SQLite::Statement exists(db, "SELECT 1 FROM conversations WHERE id = ?");
        exists.bind(1, conversation_id);
        if (!exists.executeStep()) {
          *result = ConversationNotFound(conversation_id);
          return;
        }
        ForgetStory(db, conversation_id);
      },
      [result, done = std::move(done)](Status status) {
        if (!status.ok()) return done(status);
        done(*result);
      });
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> SqliteChatStore::PromptUsage() {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    SQLite::Statement q(db, "SELECT prompt_id, stories FROM prompt_usage ORDER BY prompt_id");
    while (q.executeStep()) out.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
    return {};
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<ChatStats> SqliteChatStore::Stats() {
  ChatStats stats;
  Status s = db_.WithConnection([&](SQLite::Database& db) -> Status {
    stats.conversations = db.execAndGet("SELECT COUNT(*) FROM conversations").getInt64();
    SQLite::Statement by_channel(db,
                                 "SELECT c.channel, COUNT(m.id) FROM conversations c JOIN "
                                 "messages m ON m.conversation_id = c.id GROUP BY c.channel "
                                 "ORDER BY c.channel");
    while (by_channel.executeStep()) {
      stats.messages_by_channel.emplace_back(by_channel.getColumn(0).getString(),
                                             by_channel.getColumn(1).getInt64());
    }
    SQLite::Statement states(db, "SELECT state, COUNT(*) FROM deliveries GROUP BY state");
    while (states.executeStep()) {
      const std::string state = states.getColumn(0).getString();
      const std::int64_t n = states.getColumn(1).getInt64();
      if (state == "pending") stats.jobs_pending = n;
      if (state == "dead") stats.jobs_dead = n;
      if (state == "failed") stats.jobs_failed = n;
      if (state == "done") stats.jobs_done = n;
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return stats;
}

}  // namespace storybot
