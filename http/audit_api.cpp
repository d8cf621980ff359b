#include "http/audit_api.h"

#include <boost/json.hpp>
#include <charconv>

namespace storybot::http {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 200;

// A stored before/after document as JSON (null when none; a string if it ever fails to parse).
boost::json::value Document(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return boost::json::string(text);
  return v;
}

boost::json::object RecordObject(const AuditRecord& r) {
  return {{"id", r.id},
          {"at", r.at},
          {"actor", r.actor},
          {"actor_role", r.actor_role},
          {"action", r.action},
          {"method", r.method},
          {"route", r.route},
          {"target", r.target},
          {"before", Document(r.before_json)},
          {"after", Document(r.after_json)},
          {"trace_id", r.trace_id}};
}

// An integer query parameter in [min, max]; `fallback` when absent.
Result<std::int64_t> IntParam(const ExchangePtr& ex, const char* name, std::int64_t fallback,
                              std::int64_t min, std::int64_t max) {
  const std::string text = ex->request().QueryParam(name);
  if (text.empty()) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument(std::string(name) + ": must be an integer in " + std::to_string(min) +
                           ".." + std::to_string(max));
  }
  return value;
}

}  // namespace

void AddAuditRoutes(Router& router, AuditLog& audit, WorkPool& pool) {
  router.Add("GET", "/api/audit", Auth::kAdmin, [&audit, &pool](const ExchangePtr& ex) {
    auto limit = IntParam(ex, "limit", kDefaultLimit, 1, kMaxLimit);
    if (!limit.ok()) return ReplyError(ex, limit.error());
    auto before = IntParam(ex, "before", 0, 1, INT64_MAX);
    if (!before.ok()) return ReplyError(ex, before.error());
    AuditQuery query{static_cast<int>(limit.value()), before.value(),
                     ex->request().QueryParam("actor")};
    pool.Post([ex, &audit, query] {
      auto records = audit.List(query);
      if (!records.ok()) return ReplyError(ex, records.error());
      boost::json::array entries;
      for (const AuditRecord& r : records.value()) entries.push_back(RecordObject(r));
      boost::json::object body{{"entries", std::move(entries)}};
      // A full page may have more behind it: the client asks again with before=<last id>.
      const bool full = static_cast<int>(records.value().size()) == query.limit;
      body["next_before"] =
          full ? boost::json::value(records.value().back().id) : boost::json::value(nullptr);
      ex->Reply(JsonResponse(200, boost::json::serialize(body)));
    });
  });

  router.Add("GET", "/api/me", Auth::kAdmin, [](const ExchangePtr& ex) {
    const AdminIdentity& me = *ex->admin;  // set: the route needs an admin
    ex->Reply(JsonResponse(200, boost::json::serialize(boost::json::object{
                                    {"name", me.name}, {"role", AdminRoleName(me.role)}})));
  });
}

}  // namespace storybot::http
