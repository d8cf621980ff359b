#include "http/safety_api.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/utf8.h"
#include "http/audit.h"
#include "http/json_body.h"

namespace storybot::http {
namespace {

constexpr std::int64_t kMaxLimit = 1000000;
constexpr std::int64_t kMaxDailyTokens = 2000000000;

std::string LimitsJson(const SafetyLimits& limits) {
  SafetyLimits copy = limits;
  boost::json::object body;
  for (std::string_view field : kLimitFields) body[field] = LimitField(copy, field);
  return boost::json::serialize(body);
}

std::string WordsJson(const std::vector<std::string>& words) {
  boost::json::array list;
  for (const std::string& word : words) list.emplace_back(word);
  return boost::json::serialize(boost::json::object{{"words", std::move(list)}});
}

// The fields a PUT sent, each an integer in 0..its maximum.
Result<std::map<std::string, std::int64_t>> ReadLimits(const boost::json::object& body) {
  std::map<std::string, std::int64_t> changes;
  for (std::string_view field : kLimitFields) {
    auto value = OptionalInt(body, field);
    if (!value.ok()) return value.error();
    if (!value.value()) continue;
    const std::int64_t max = field == "llm_daily_tokens" ? kMaxDailyTokens : kMaxLimit;
    if (*value.value() < 0 || *value.value() > max) {
      return InvalidArgument(std::string(field) + ": must be an integer in 0.." +
                             std::to_string(max));
    }
    changes[std::string(field)] = *value.value();
  }
  return changes;
}

// {"words": ["…", …]}: at most kMaxBlockedWords non-empty strings of valid UTF-8, each at most
// kMaxBlockedWordCharacters characters, trimmed.
Result<std::vector<std::string>> ReadWords(const boost::json::object& body) {
  const boost::json::value* words = body.if_contains("words");
  if (words == nullptr) return InvalidArgument("words: is required");
  if (!words->is_array()) return InvalidArgument("words: must be an array of strings");
  const boost::json::array& list = words->as_array();
  if (list.size() > kMaxBlockedWords) {
    return InvalidArgument("words: at most " + std::to_string(kMaxBlockedWords) + " entries");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "words[" + std::to_string(i) + "]";
    if (!list[i].is_string()) return InvalidArgument(where + ": must be a string");
    std::string_view word = list[i].as_string();
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.front()))) {
      word.remove_prefix(1);
    }
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back()))) {
      word.remove_suffix(1);
    }
    if (!utf8::IsValid(word)) return InvalidArgument(where + ": must be valid UTF-8");
    if (word.empty()) return InvalidArgument(where + ": must not be empty");
    if (utf8::CodePointCount(word) > kMaxBlockedWordCharacters) {
      return InvalidArgument(where + ": at most " + std::to_string(kMaxBlockedWordCharacters) +
                             " characters");
    }
    out.emplace_back(word);
  }
  return out;
}

Result<int> ReadEventsLimit(const ExchangePtr& ex) {
  const std::string text = ex->request().QueryParam("limit");
  int limit = 50;
  if (text.empty()) return limit;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > 1000) {
    return InvalidArgument("limit: must be an integer in 1..1000");
  }
  return limit;
}

}  // namespace

void AddSafetyRoutes(Router& router, SafetyService& safety, WorkPool& pool) {
  router.Add("GET", "/api/safety/limits", Auth::kAdmin, [&safety](const ExchangePtr& ex) {
    ex->Reply(JsonResponse(200, LimitsJson(safety.limits())));
  });

  router.Add("PUT", "/api/safety/limits", Auth::kAdmin, [&safety, &pool](const ExchangePtr& ex) {
    auto body = ReadJsonObject(
        ex, {"user_per_hour", "user_per_day", "chat_per_minute", "llm_daily_tokens"});
    if (!body) return;
    auto changes = ReadLimits(*body);
    if (!changes.ok()) return ReplyError(ex, changes.error());
    pool.Post([ex, &safety, changes = std::move(changes).value()] {
      std::string before = LimitsJson(safety.limits());
      auto limits = safety.ChangeLimits(changes);
      if (!limits.ok()) return ReplyError(ex, limits.error());
      std::string after = LimitsJson(limits.value());
      AuditThenReply(ex, {"safety.limits", "limits", std::move(before), after},
                     JsonResponse(200, after));
    });
  });

  router.Add("GET", "/api/safety/blocklist", Auth::kAdmin, [&safety](const ExchangePtr& ex) {
    ex->Reply(JsonResponse(200, WordsJson(safety.words())));
  });

  router.Add("PUT", "/api/safety/blocklist", Auth::kAdmin, [&safety, &pool](const ExchangePtr& ex) {
    auto body = ReadJsonObject(ex, {"words"});
    if (!body) return;
    auto words = ReadWords(*body);
    if (!words.ok()) return ReplyError(ex, words.error());
    pool.Post([ex, &safety, words = std::move(words).value()]() mutable {
      std::string before = WordsJson(safety.words());
      Status saved = safety.ReplaceWords(words);
      if (!saved.ok()) return ReplyError(ex, saved.error());
      std::string after = WordsJson(words);
      AuditThenReply(ex, {"safety.blocklist", "blocklist", std::move(before), after},
                     JsonResponse(200, after));
    });
  });

  router.Add("GET", "/api/safety/events", Auth::kAdmin, [&safety, &pool](const ExchangePtr& ex) {
    auto limit = ReadEventsLimit(ex);
    if (!limit.ok()) return ReplyError(ex, limit.error());
    pool.Post([ex, &safety, limit = limit.value()] {
      auto events = safety.Events(limit);
      if (!events.ok()) return ReplyError(ex, events.error());
      boost::json::array list;
      for (const SafetyEvent& e : events.value()) {
        list.push_back({{"at", e.at},
                        {"channel", e.channel},
                        {"user_hash", e.user_hash},
                        {"reason", e.reason},
                        {"detail", e.detail}});
      }
      ex->Reply(JsonResponse(200, boost::json::serialize(list)));
    });
  });
}

}  // namespace storybot::http
