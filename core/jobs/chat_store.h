#pragma once
// Durable chat state: the inbox of deliveries (README "The delivery promise") and the
// conversations that /continue and /reset use. Implementations are thread-safe; writes are
// committed in batches (group commit), and every `done` runs after its data is on disk.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/chat.h"
#include "core/result.h"
#include "core/story/story_engine.h"

namespace storybot {

struct Job {
  std::int64_t id = 0;
  std::string dedupe_key;
  InboundMessage message;
  int attempts = 0;                  // send attempts so far
  std::optional<std::string> reply;  // set once written: a resend never writes a new story
  std::string engine = {};           // who wrote `reply` (not stored: empty after a restart)
  // "en" or "zh" when `reply` is a story (its buttons are labelled in it); empty: a bot text.
  std::string story_language = {};
  int pieces_sent = 0;               // of a split reply, delivered before a failed send
  int store_failures = 0;            // consecutive storage errors (memory only: for backoff)
};

struct EnqueueResult {
  std::int64_t job_id = 0;
  bool duplicate = false;  // the delivery was already stored: no new job
};

// How a job's reply changes the chat's memory.
struct ChatUpdate {
  enum class Kind { kNone, kNewStory, kContinue, kReset };
  Kind kind = Kind::kNone;
  std::int64_t prompt_id = 0;    // kNewStory
  std::string request;           // kNewStory
  std::uint64_t seed = 0;        // kNewStory
  std::string user_name;         // kNewStory: the hero (ChatState::user_name)
  std::string language;          // kNewStory: "en" or "zh"
  std::string premise;           // kNewStory: the rendered prompt
  std::string premise_language;  // kNewStory: "en", "zh" or empty
  std::string user_turn;         // what was asked (kept in the story's history)
};

enum class JobEnd { kDone, kDead, kFailed };

struct ConversationMessage {
  std::string role;  // "user" or "assistant"
  std::string content;
  std::string created_at;
  std::string user_id;    // who wrote a user message (empty for the bot's and older messages)
  std::string user_name;  // their display name then; may be empty
  bool in_story = false;  // part of the story /continue carries on (false after a reset)
};

struct Conversation {
  std::int64_t id = 0;
  std::string channel;
  std::string chat_id;
  std::string updated_at;
  std::vector<ConversationMessage>
      messages;  // the newest ones (or all: a transcript), oldest first
  std::string created_at;
  std::string user_name;  // of the newest user message that has one
  bool has_story = false;
  int chapter = 0;
  std::int64_t message_count = 0;
};

// Which conversations an admin lists (GET /api/conversations); empty strings filter nothing.
struct ConversationFilter {
  std::string channel;
  std::string user;  // a user id, or part of a user's name (case-insensitive for ASCII)
  std::string text;  // part of any message's text
  int limit = 20;
  int offset = 0;
};

// An unfinished or given-up job as the admin sees it (GET /api/jobs). `state` is derived:
// "waiting" (pending, not tried yet), "retrying" (pending after a failed send), "dead" (gave up
// after the last attempt) or "failed" (the channel refused for good).
struct JobSummary {
  std::int64_t id = 0;
  std::string channel;
  std::string chat_id;
  std::string state;
  int attempts = 0;
  std::string last_error;  // empty: none
  std::string trace_id;
  std::string created_at;
  std::string updated_at;
};

// The states ListJobs filters on (JobSummary::state).
inline constexpr const char* kJobListStates[] = {"waiting", "retrying", "dead", "failed"};

struct ChatStats {
  std::int64_t conversations = 0;
  std::vector<std::pair<std::string, std::int64_t>> messages_by_channel;
  std::int64_t jobs_pending = 0;
  std::int64_t jobs_dead = 0;    // gave up after the last attempt
  std::int64_t jobs_failed = 0;  // the channel refused for good
  std::int64_t jobs_done = 0;
};

class ChatStore {
 public:
  virtual ~ChatStore() = default;

  // Stores a delivery unless (channel, dedupe_key) is already stored.
  virtual void Enqueue(const std::string& dedupe_key, const InboundMessage& message,
                       std::function<void(Result<EnqueueResult>)> done) = 0;
  // Jobs not yet finished, oldest first (at start: interrupted work resumes).
  virtual Result<std::vector<Job>> PendingJobs() = 0;
  virtual Result<ChatState> LoadChat(const std::string& channel, const std::string& chat_id) = 0;
  // Records a job's reply together with the chat's new state, in one transaction.
  virtual void SaveReply(const Job& job, const std::string& reply, const ChatUpdate& update,
                         std::function<void(Status)> done) = 0;
  // Records a failed send: its attempt count and how many pieces of the reply went out.
  virtual void RetryLater(std::int64_t job_id, int attempts, int pieces_sent,
                          const std::string& error, std::function<void(Status)> done) = 0;
  virtual void Finish(std::int64_t job_id, JobEnd end, const std::string& error,
                      std::function<void(Status)> done) = 0;

  // Jobs in `state` (one of kJobListStates; empty: all four), newest first.
  virtual Result<std::vector<JobSummary>> ListJobs(const std::string& state, int limit) = 0;
  // A dead or failed job back to pending with no attempts counted; `done` gets the job to run
  // (its saved reply and the pieces already sent kept: nothing is written or sent twice).
  // kNotFound for an unknown id, kConflict when the job is not dead or failed.
  virtual void Requeue(std::int64_t job_id, std::function<void(Result<Job>)> done) = 0;
  // Discards a dead or failed job: it leaves every list but keeps its row, so a redelivery of
  // the same message is still recognised as a duplicate. Errors as for Requeue.
  virtual void Discard(std::int64_t job_id, std::function<void(Status)> done) = 0;

  // Newest first, each with its last 20 messages.
  virtual Result<std::vector<Conversation>> RecentConversations(
      const ConversationFilter& filter) = 0;
  // One conversation with every message; kNotFound for an unknown id.
  virtual Result<Conversation> Transcript(std::int64_t conversation_id) = 0;
  // What /reset does for that chat: the story is forgotten, the transcript stays.
  // kNotFound for an unknown id.
  virtual void ResetConversation(std::int64_t conversation_id,
                                 std::function<void(Status)> done) = 0;
  // Story replies (new stories and /continue chapters) written with each prompt, by prompt id.
  virtual Result<std::vector<std::pair<std::int64_t, std::int64_t>>> PromptUsage() = 0;
  // Changes whenever a count of PromptUsage may have changed (cheap: no database read).
  virtual std::uint64_t PromptUsageGeneration() const = 0;
  virtual Result<ChatStats> Stats() = 0;
};

}  // namespace storybot
