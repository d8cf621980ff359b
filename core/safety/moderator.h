#pragma once
// Checks a text (a request or a story) against the built-in word lists, the admins' list and, in
// `api` mode, the moderation service. Thread-safe; the admins' list changes at once.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/safety/moderation_api.h"
#include "core/safety/word_match.h"

namespace storybot {

enum class ModerationMode { kOff, kLocal, kApi };
// "off", "local", "api" (the setting's values; validated by the settings table).
ModerationMode ParseModerationMode(std::string_view text);

struct ModerationVerdict {
  enum class Kind {
    kAllow,
    kBlock,
    kUnavailable,  // the local lists passed it; the moderation service did not answer
  };
  Kind kind = Kind::kAllow;
  std::string category;  // kBlock: the list's category, or "api"
  std::string detail;    // kBlock: the list entry's id or the API's categories; never the text
};

// The verdict's label for storybot_moderation_total{verdict}: allow, block, error.
std::string_view VerdictLabel(ModerationVerdict::Kind kind);

class Moderator {
 public:
  // `api` is used only in kApi mode (and must then be given).
  Moderator(ModerationMode mode, std::unique_ptr<ModerationApi> api);

  ModerationMode mode() const { return mode_; }
  ModerationVerdict Check(const std::string& text, const std::string& trace_id) const;

  // The admins' own list (ids "admin-1", "admin-2"... in order), replacing the previous one.
  void SetAdminWords(std::vector<std::string> words);
  std::vector<std::string> AdminWords() const;

 private:
  ModerationMode mode_;
  std::unique_ptr<ModerationApi> api_;
  mutable std::mutex mutex_;
  std::vector<std::string> admin_words_;
  std::shared_ptr<const std::vector<BlockedWord>> admin_list_ =
      std::make_shared<std::vector<BlockedWord>>();
};

}  // namespace storybot
