#pragma once
// An in-memory IntegrationStore (core/integrations.h) for the webhook channel's unit tests: the
// integrations, the callback outbox and the jobs a test puts in, with failures it switches on.
// Writes answer at once, on the caller's thread. Thread-safe.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "core/integrations.h"

namespace storybot::test {

class FakeIntegrationStore final : public IntegrationStore {
 public:
  Result<std::vector<Integration>> List() override {
    std::lock_guard lock(mutex_);
    std::vector<Integration> out;
    for (const auto& [name, i] : integrations) out.push_back(i);
    return out;
  }
  Status Create(const Integration& integration) override {
    std::lock_guard lock(mutex_);
    if (integrations.contains(integration.name)) return Error{ErrorCode::kConflict, "taken"};
    integrations[integration.name] = integration;
    return {};
  }
  Result<Integration> Rotate(const std::string& name, const std::string& new_secret,
                             std::int64_t previous_expires_at,
                             const std::string& rotated_at) override {
    std::lock_guard lock(mutex_);
    auto it = integrations.find(name);
    if (it == integrations.end()) return NotFound("no " + name);
    it->second.previous_secret = it->second.secret;
    it->second.secret = new_secret;
    it->second.previous_expires_at = previous_expires_at;
    it->second.rotated_at = rotated_at;
    return it->second;
  }
  Status Delete(const std::string& name) override {
    std::lock_guard lock(mutex_);
    return integrations.erase(name) ? Status{} : Status(NotFound("no " + name));
  }
  Result<Integration> SetAllowlist(const std::string& name,
                                   const std::vector<std::string>& allowlist) override {
    std::lock_guard lock(mutex_);
    auto it = integrations.find(name);
    if (it == integrations.end()) return NotFound("no " + name);
    it->second.callback_allowlist = allowlist;
    return it->second;
  }
  void AddCallback(const CallbackRecord& record, std::function<void(Status)> done) override {
    Status result;
    {
      std::lock_guard lock(mutex_);
      result = add_callback_result;
      if (result.ok()) callbacks.push_back(record);
    }
    done(result);
  }
  void UpdateCallback(const CallbackRecord& record, std::function<void(Status)> done) override {
    {
      std::lock_guard lock(mutex_);
      updates.push_back(record);
    }
    updated_.notify_all();
    done({});
  }
  Result<std::vector<CallbackRecord>> PendingCallbacks() override {
    std::lock_guard lock(mutex_);
    return pending;
  }
  Result<std::optional<WebhookJob>> FindJob(std::int64_t id,
                                            const std::string& key_prefix) override {
    std::lock_guard lock(mutex_);
    if (!read_result.ok()) return read_result.error();
    for (const auto& [key, job] : jobs) {
      if (job.id == id && key.starts_with(key_prefix)) return std::optional<WebhookJob>(job);
    }
    return std::optional<WebhookJob>();
  }
  Result<std::optional<WebhookJob>> FindJobByKey(const std::string& delivery_key) override {
    std::lock_guard lock(mutex_);
    if (!read_result.ok()) return read_result.error();
    auto it = jobs.find(delivery_key);
    if (it == jobs.end()) return std::optional<WebhookJob>();
    return std::optional<WebhookJob>(it->second);
  }
  Result<ConversationRef> FindConversation(const std::string& channel,
                                           const std::string& chat_id) override {
    std::lock_guard lock(mutex_);
    auto it = conversations.find(channel + "/" + chat_id);
    return it == conversations.end() ? ConversationRef{} : it->second;
  }

  // Unguarded: set them before the code under test runs, read them after.
  std::map<std::string, Integration> integrations;
  std::map<std::string, WebhookJob> jobs;                // by delivery key
  std::map<std::string, ConversationRef> conversations;  // by "channel/chat_id"
  std::vector<CallbackRecord> pending;                   // what PendingCallbacks returns
  std::vector<CallbackRecord> callbacks;                 // added
  std::vector<CallbackRecord> updates;                   // every UpdateCallback, in order
  Status add_callback_result;
  Status read_result;  // FindJob / FindJobByKey fail with it when set

  std::vector<CallbackRecord> Updates() {
    std::lock_guard lock(mutex_);
    return updates;
  }
  // Waits (at most `timeout`, real time) until `n` updates have been made; all of them.
  std::vector<CallbackRecord> WaitForUpdates(
      std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    updated_.wait_for(lock, timeout, [&] { return updates.size() >= n; });
    return updates;
  }

 private:
  std::mutex mutex_;
  std::condition_variable updated_;
};

}  // namespace storybot::test
