#include "core/safety/moderator.h"

namespace storybot {

ModerationMode ParseModerationMode(std::string_view text) {
  if (text == "off") return ModerationMode::kOff;
  if (text == "api") return ModerationMode::kApi;
  return ModerationMode::kLocal;
}

std::string_view VerdictLabel(ModerationVerdict::Kind kind) {
  switch (kind) {
    case ModerationVerdict::Kind::kAllow:
      return "allow";
    case ModerationVerdict::Kind::kBlock:
      return "block";
    case ModerationVerdict::Kind::kUnavailable:
      return "error";
  }
  return "error";
}

Moderator::Moderator(ModerationMode mode, std::unique_ptr<ModerationApi> api)
    : mode_(mode), api_(std::move(api)) {
  if (mode_ == ModerationMode::kApi && api_ == nullptr) mode_ = ModerationMode::kLocal;
}

void Moderator::SetAdminWords(std::vector<std::string> words) {
  auto list = std::make_shared<std::vector<BlockedWord>>();
  for (std::size_t i = 0; i < words.size(); ++i) {
    list->push_back({"admin-" + std::to_string(i + 1), "admin", words[i]});
  }
  std::lock_guard lock(mutex_);
  admin_words_ = std::move(words);
  admin_list_ = std::move(list);
}

std::vector<std::string> Moderator::AdminWords() const {
  std::lock_guard lock(mutex_);
  return admin_words_;
}

ModerationVerdict Moderator::Check(const std::string& text, const std::string& trace_id) const {
  if (mode_ == ModerationMode::kOff) return {};
  std::shared_ptr<const std::vector<BlockedWord>> admin;
  {
    std::lock_guard lock(mutex_);
    admin = admin_list_;
  }
  for (const auto* list : {&BuiltInBlockedWords(), admin.get()}) {
    if (auto found = FindBlocked(text, *list)) {
      return {ModerationVerdict::Kind::kBlock, found->category, found->id};
    }
  }
  if (mode_ != ModerationMode::kApi) return {};
  Result<ModerationAnswer> answer = api_->Check(text, trace_id);
  if (!answer.ok()) return {ModerationVerdict::Kind::kUnavailable, "", answer.error().message};
  if (!answer.value().flagged) return {};
  std::string categories;
  for (const std::string& c : answer.value().categories) {
    categories += (categories.empty() ? "" : ",") + c;
  }
  return {ModerationVerdict::Kind::kBlock, "api", categories};
}

}  // namespace storybot
