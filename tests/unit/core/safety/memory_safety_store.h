#pragma once
// An in-memory SafetyStore for unit tests: what SqliteSafetyStore keeps, in maps.
#include <algorithm>
#include <mutex>

#include "core/safety/safety_store.h"

namespace storybot::test {

class MemorySafetyStore final : public SafetyStore {
 public:
  Result<std::vector<std::int64_t>> StoryStarts(const std::string& channel, const std::string& user,
                                                std::int64_t since) override {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out;
    for (std::int64_t at : starts_[channel + "\n" + user]) {
      if (at >= since) out.push_back(at);
    }
    return out;
  }
  void RecordStoryStart(const std::string& channel, const std::string& user,
                        std::int64_t at) override {
    std::lock_guard lock(mutex_);
    starts_[channel + "\n" + user].push_back(at);
  }
  Result<std::int64_t> TokensUsed(std::int64_t day) override {
    std::lock_guard lock(mutex_);
    return tokens_[day];
  }
  void AddTokens(std::int64_t day, std::int64_t tokens) override {
    std::lock_guard lock(mutex_);
    tokens_[day] += tokens;
  }
  Result<StoredSafety> Load() override {
    std::lock_guard lock(mutex_);
    return stored_;
  }
  Status SaveLimits(const std::map<std::string, std::int64_t>& limits) override {
    std::lock_guard lock(mutex_);
    for (const auto& [name, value] : limits) stored_.limits[name] = value;
    return {};
  }
  Status SaveWords(const std::vector<std::string>& words) override {
    std::lock_guard lock(mutex_);
    stored_.words = words;
    return {};
  }
  void RecordEvent(const SafetyEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.insert(events_.begin(), event);
  }
  Result<std::vector<SafetyEvent>> Events(int limit) override {
    std::lock_guard lock(mutex_);
    return std::vector<SafetyEvent>(events_.begin(),
                                    events_.begin() + std::min<std::size_t>(limit, events_.size()));
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<std::int64_t>> starts_;
  std::map<std::int64_t, std::int64_t> tokens_;
  StoredSafety stored_;
  std::vector<SafetyEvent> events_;
};

}  // namespace storybot::test
