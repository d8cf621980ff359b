#include "http/conversations_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <memory>

#include "core/utf8.h"
#include "http/audit.h"

namespace storybot::http {
namespace {

constexpr std::size_t kMaxSearchCharacters = 200;
constexpr int kMaxOffset = 1'000'000;

// An integer query parameter in [min, max]; `fallback` when absent.
Result<int> IntParam(const ExchangePtr& ex, const std::string& name, int fallback, int min,
                     int max) {
  const std::string text = ex->request().QueryParam(name);
  if (text.empty()) return fallback;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument(name + ": must be an integer in " + std::to_string(min) + ".." +
                           std::to_string(max));
  }
  return value;
}

Result<std::string> TextParam(const ExchangePtr& ex, const std::string& name) {
  std::string text = ex->request().QueryParam(name);
  if (!utf8::IsValid(text)) return InvalidArgument(name + ": must be UTF-8");
  if (utf8::CodePointCount(text) > kMaxSearchCharacters) {
    return InvalidArgument(name + ": must be at most 200 characters");
  }
  return text;
}

Result<ConversationFilter> ReadFilter(const ExchangePtr& ex,
                                      const std::vector<std::string>& known) {
  ConversationFilter filter;
  auto limit = IntParam(ex, "limit", 20, 1, 200);
  if (!limit.ok()) return limit.error();
  auto offset = IntParam(ex, "offset", 0, 0, kMaxOffset);
  if (!offset.ok()) return offset.error();
  filter.limit = limit.value();
  filter.offset = offset.value();
  // An enum in the API document: a misspelt channel is an error, not an empty list.
  filter.channel = ex->request().QueryParam("channel");
  if (!filter.channel.empty() &&
      std::find(known.begin(), known.end(), filter.channel) == known.end()) {
    std::string names;
    for (const std::string& name : known) names += (names.empty() ? "" : ", ") + name;
    return InvalidArgument("channel: must be one of " + names);
  }
  auto user = TextParam(ex, "user");
  if (!user.ok()) return user.error();
  auto text = TextParam(ex, "q");
  if (!text.ok()) return text.error();
  filter.user = std::move(user).value();
  filter.text = std::move(text).value();
  return filter;
}

std::optional<std::int64_t> ConversationId(const ExchangePtr& ex) {
  const std::string& text = ex->params.at("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    ReplyError(ex, 404, "not_found", "conversation " + text + " does not exist");
    return std::nullopt;
  }
  return id;
}

boost::json::object ConversationObject(const Conversation& c) {
  boost::json::array messages;
  for (const ConversationMessage& m : c.messages) {
    messages.push_back({{"role", m.role},
                        {"content", m.content},
                        {"created_at", m.created_at},
                        {"user_id", m.user_id},
                        {"user_name", m.user_name},
                        {"in_story", m.in_story}});
  }
  return {{"id", c.id},
          {"channel", c.channel},
          {"chat_id", c.chat_id},
          {"user_name", c.user_name},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"has_story", c.has_story},
          {"chapter", c.chapter},
          {"message_count", c.message_count},
          {"messages", std::move(messages)}};
}

}  // namespace

void AddConversationRoutes(Router& router, ChatStore& chats, WorkPool& pool,
                           std::vector<std::string> known_channels) {
  auto known = std::make_shared<const std::vector<std::string>>(std::move(known_channels));
  router.Add("GET", "/api/conversations", Auth::kAdmin,
             [&chats, &pool, known](const ExchangePtr& ex) {
               auto filter = ReadFilter(ex, *known);
               if (!filter.ok()) return ReplyError(ex, filter.error());
               pool.Post([ex, &chats, filter = std::move(filter).value()] {
                 auto conversations = chats.RecentConversations(filter);
                 if (!conversations.ok()) return ReplyError(ex, conversations.error());
                 boost::json::array list;
                 for (const Conversation& c : conversations.value()) {
                   list.push_back(ConversationObject(c));
                 }
                 ex->Reply(JsonResponse(200, boost::json::serialize(list)));
               });
             });

  router.Add(
      "GET", "/api/conversations/{id}", Auth::kAdmin, [&chats, &pool](const ExchangePtr& ex) {
        const auto id = ConversationId(ex);
        if (!id) return;
        pool.Post([ex, &chats, id = *id] {
          auto transcript = chats.Transcript(id);
          if (!transcript.ok()) return ReplyError(ex, transcript.error());
          ex->Reply(
              JsonResponse(200, boost::json::serialize(ConversationObject(transcript.value()))));
        });
      });

  router.Add("POST", "/api/conversations/{id}/reset", Auth::kAdmin,
             [&chats](const ExchangePtr& ex) {
               const auto id = ConversationId(ex);
               if (!id) return;
               chats.ResetConversation(*id, [ex, id = *id](Status reset) {
                 if (!reset.ok()) return ReplyError(ex, reset.error());
                 Response r;
                 r.status = 204;
                 AuditThenReply(ex, {"conversation.reset", std::to_string(id), "", ""},
                                std::move(r));
               });
             });
}

}  // namespace storybot::http
