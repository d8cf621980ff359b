#pragma once
#include "core/integrations.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"

namespace storybot {

// IntegrationStore on SQLite (migration 3): reads on the shared connection; every write (the
// integrations and the callback outbox) through the group-commit writer, the one writer.
class SqliteIntegrationStore final : public IntegrationStore {
 public:
  // Both must outlive the store.
  SqliteIntegrationStore(Database& db, GroupCommitWriter& writer) : db_(db), writer_(writer) {}

  Result<std::vector<Integration>> List() override;
  Status Create(const Integration& integration) override;
  Result<Integration> Rotate(const std::string& name, const std::string& new_secret,
                             std::int64_t previous_expires_at,
                             const std::string& rotated_at) override;
  Status Delete(const std::string& name) override;
  Result<Integration> SetAllowlist(const std::string& name,
                                   const std::vector<std::string>& allowlist) override;
  void AddCallback(const CallbackRecord& record, std::function<void(Status)> done) override;
  void UpdateCallback(const CallbackRecord& record, std::function<void(Status)> done) override;
  Result<std::vector<CallbackRecord>> PendingCallbacks() override;
  Result<std::optional<WebhookJob>> FindJob(std::int64_t id,
                                            const std::string& key_prefix) override;
  Result<std::optional<WebhookJob>> FindJobByKey(const std::string& delivery_key) override;
  Result<ConversationRef> FindConversation(const std::string& channel,
                                           const std::string& chat_id) override;

 private:
  // Runs `write` in the writer's next batch and waits for its commit.
  Status Write(const std::function<Status(SQLite::Database&)>& write);
  Result<std::optional<WebhookJob>> FindJobWhere(const std::string& where,
                                                 const std::function<void(void*)>& bind);
  Database& db_;
  GroupCommitWriter& writer_;
};

}  // namespace storybot
