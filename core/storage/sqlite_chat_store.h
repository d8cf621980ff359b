#pragma once
#include <atomic>
#include <memory>
#include <string_view>

#include "core/jobs/chat_store.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"

namespace storybot {

// ChatStore on SQLite: reads on the shared connection, writes through the group-commit writer.
class SqliteChatStore final : public ChatStore {
 public:
  // Both must outlive the store.
  SqliteChatStore(Database& db, GroupCommitWriter& writer) : db_(db), writer_(writer) {}

  void Enqueue(const std::string& dedupe_key, const InboundMessage& message,
               std::function<void(Result<EnqueueResult>)> done) override;
  Result<std::vector<Job>> PendingJobs() override;
  Result<ChatState> LoadChat(const std::string& channel, const std::string& chat_id) override;
  void SaveReply(const Job& job, const std::string& reply, const ChatUpdate& update,
                 std::function<void(Status)> done) override;
  void RetryLater(std::int64_t job_id, int attempts, int pieces_sent, const std::string& error,
                  std::function<void(Status)> done) override;
  void Finish(std::int64_t job_id, JobEnd end, const std::string& error,
              std::function<void(Status)> done) override;
  Result<std::vector<JobSummary>> ListJobs(const std::string& state, int limit) override;
  void Requeue(std::int64_t job_id, std::function<void(Result<Job>)> done) override;
  void Discard(std::int64_t job_id, std::function<void(Status)> done) override;
  Result<std::vector<Conversation>> RecentConversations(const ConversationFilter& filter) override;
  Result<Conversation> Transcript(std::int64_t conversation_id) override;
  void ResetConversation(std::int64_t conversation_id, std::function<void(Status)> done) override;
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> PromptUsage() override;
  std::uint64_t PromptUsageGeneration() const override { return usage_generation_.load(); }
  Result<ChatStats> Stats() override;

 private:
  Database& db_;
  GroupCommitWriter& writer_;
  std::atomic<std::uint64_t> usage_generation_{1};
};

// A LIKE pattern (with ESCAPE backslash) matching any text that contains `text` literally: its
// percent signs, underscores and backslashes are escaped, so "50%" finds "50%" and not "500".
std::string LikeContains(std::string_view text);

// InboundMessage <-> the JSON kept in the deliveries table.
std::string MessageToJson(const InboundMessage& message);
Result<InboundMessage> MessageFromJson(const std::string& json);

}  // namespace storybot
