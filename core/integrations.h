#pragma once
// Generic-webhook integrations (issue 6): who may post to /webhooks/{name}, with which secrets,
// and the durable outbox of their signed callbacks. A small interface: SQLite is the embedded
// implementation (core/storage/sqlite_integration_store.h). Implementations are thread-safe.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace storybot {

struct Integration {
  std::string name;
  std::string secret;                    // "whsec_…"; never logged or listed
  std::string previous_secret;           // empty when none
  std::int64_t previous_expires_at = 0;  // unix seconds; the old secret is valid before it
  std::vector<std::string> callback_allowlist;
  std::string created_at;
  std::string rotated_at;  // empty until the first rotation

  // The secrets that sign and verify at `now`: the current one first.
  std::vector<std::string> ValidSecrets(std::int64_t now) const {
    std::vector<std::string> out{secret};
    if (!previous_secret.empty() && now < previous_expires_at) out.push_back(previous_secret);
    return out;
  }
};

// One signed callback of an answered webhook job, until it is delivered or given up.
struct CallbackRecord {
  std::string delivery_key;  // the job's dedupe key (deliveries.dedupe_key)
  std::string integration;
  std::string url;
  std::string message_id;         // webhook-id of the callback: the same on every attempt
  std::string payload;            // the exact JSON body that is signed and sent
  std::string state = "pending";  // pending, delivered, failed, disabled, expired, refused
  int attempts = 0;
  std::int64_t next_attempt_at = 0;  // unix seconds
  std::int64_t give_up_at = 0;       // unix seconds: no attempt starts after it
  long last_status = 0;
  std::string last_error;
};

// A webhook job as its integration may see it.
struct WebhookJob {
  std::int64_t id = 0;
  std::string delivery_key;
  std::string chat_id;
  std::string state;  // the deliveries state: pending, done, dead, failed
  std::optional<std::string> reply;
  std::string created_at;
  std::string updated_at;
  std::optional<CallbackRecord> callback;
};

struct ConversationRef {
  std::int64_t id = 0;
  std::int64_t prompt_id = 0;  // 0: the built-in prompt (or no story yet)
};

class IntegrationStore {
 public:
  virtual ~IntegrationStore() = default;

  virtual Result<std::vector<Integration>> List() = 0;  // ordered by name
  // kConflict when the name is taken.
  virtual Status Create(const Integration& integration) = 0;
  // Replaces the secret; the old one stays valid until `previous_expires_at`. kNotFound.
  virtual Result<Integration> Rotate(const std::string& name, const std::string& new_secret,
                                     std::int64_t previous_expires_at,
                                     const std::string& rotated_at) = 0;
  virtual Status Delete(const std::string& name) = 0;  // kNotFound
  // Replaces the callback allowlist; the secrets stay. kNotFound.
  virtual Result<Integration> SetAllowlist(const std::string& name,
                                           const std::vector<std::string>& allowlist) = 0;

  // The outbox. `done` runs after the commit (group commit).
  virtual void AddCallback(const CallbackRecord& record, std::function<void(Status)> done) = 0;
  virtual void UpdateCallback(const CallbackRecord& record, std::function<void(Status)> done) = 0;
  virtual Result<std::vector<CallbackRecord>> PendingCallbacks() = 0;

  // Job `id` of channel "webhook" if its delivery key starts with `key_prefix`, else nullopt.
  virtual Result<std::optional<WebhookJob>> FindJob(std::int64_t id,
                                                    const std::string& key_prefix) = 0;
  // The job behind a delivery key (channel "webhook").
  virtual Result<std::optional<WebhookJob>> FindJobByKey(const std::string& delivery_key) = 0;
  // The chat's conversation (id 0 when it has none yet) and its current story's prompt.
  virtual Result<ConversationRef> FindConversation(const std::string& channel,
                                                   const std::string& chat_id) = 0;
};

}  // namespace storybot
