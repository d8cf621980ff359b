#pragma once
// Where safety keeps what must survive a restart: story starts per user (quotas), LLM tokens per
// UTC day (budget), the admins' limits and word list, and recent refusals. SQLite implementation:
// core/storage/sqlite_safety_store.h. Writes go through the single writer.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace storybot {

// A refusal as the admin API shows it: never the text itself.
struct SafetyEvent {
  std::string at;  // RFC 3339 UTC
  std::string channel;
  std::string user_hash;  // a hash of channel and user id
  std::string reason;  // over_hourly_limit, over_daily_limit, flood, blocked_request, blocked_story
  std::string detail;  // list entry id, API categories, or empty
};

// What admins stored: limits they PUT (by field name) and their word list, if ever PUT.
struct StoredSafety {
  std::map<std::string, std::int64_t> limits;
  std::optional<std::vector<std::string>> words;
};

class SafetyStore {
 public:
  virtual ~SafetyStore() = default;
  // Unix seconds of the user's story starts at or after `since`.
  virtual Result<std::vector<std::int64_t>> StoryStarts(const std::string& channel,
                                                        const std::string& user,
                                                        std::int64_t since) = 0;
  // Queued to the writer; starts older than a day are dropped on the way. Failures are logged.
  virtual void RecordStoryStart(const std::string& channel, const std::string& user,
                                std::int64_t at) = 0;
  virtual Result<std::int64_t> TokensUsed(std::int64_t day) = 0;
  virtual void AddTokens(std::int64_t day, std::int64_t tokens) = 0;  // queued
  virtual Result<StoredSafety> Load() = 0;
  // Wait for the commit.
  virtual Status SaveLimits(const std::map<std::string, std::int64_t>& limits) = 0;
  virtual Status SaveWords(const std::vector<std::string>& words) = 0;
  virtual void RecordEvent(const SafetyEvent& event) = 0;  // queued; the newest 10,000 are kept
  virtual Result<std::vector<SafetyEvent>> Events(int limit) = 0;  // newest first
};

}  // namespace storybot
