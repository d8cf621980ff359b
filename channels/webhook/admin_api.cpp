#include "channels/webhook/admin_api.h"

#include <boost/json.hpp>

#include "core/clock.h"
#include "http/audit.h"
#include "http/json_body.h"

namespace storybot::webhook {
namespace {

using http::AuditThenReply;
using http::Auth;
using http::ExchangePtr;
using http::JsonResponse;
using http::OptionalString;
using http::ReadJsonObject;
using http::ReplyError;
using http::Response;
using http::Router;

boost::json::object IntegrationObject(const Integration& i, std::int64_t now) {
  boost::json::array allowlist;
  for (const std::string& entry : i.callback_allowlist) allowlist.emplace_back(entry);
  boost::json::object o{{"name", i.name},
                        {"callback_allowlist", std::move(allowlist)},
                        {"created_at", i.created_at},
                        {"webhook_url", "/webhooks/" + i.name}};
  o["rotated_at"] =
      i.rotated_at.empty() ? boost::json::value(nullptr) : boost::json::value(i.rotated_at);
  if (!i.previous_secret.empty() && now < i.previous_expires_at) {
    o["previous_secret_expires_at"] = FormatRfc3339(
        std::chrono::system_clock::time_point(std::chrono::seconds(i.previous_expires_at)));
  } else {
    o["previous_secret_expires_at"] = nullptr;
  }
  return o;
}

// "callback_allowlist": an array of strings (validated by the registry).
Result<std::vector<std::string>> ReadAllowlist(const boost::json::object& body) {
  std::vector<std::string> out;
  const auto* v = body.if_contains("callback_allowlist");
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return InvalidArgument("callback_allowlist: must be an array of strings");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      return InvalidArgument("callback_allowlist: must be an array of strings");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

// The integration as the audit trail keeps it: the public object, never a secret.
std::string AuditJson(const Integration& i, std::int64_t now) {
  return boost::json::serialize(IntegrationObject(i, now));
}

// The integration named `name` as it is now, for the audit trail; empty when there is none.
std::string CurrentJson(IntegrationRegistry& registry, const std::string& name, std::int64_t now) {
  for (const Integration& i : registry.List()) {
    if (i.name == name) return AuditJson(i, now);
  }
  return "";
}

}  // namespace

void AddIntegrationRoutes(Router& router, webhook::IntegrationRegistry& registry, WorkPool& pool) {
  router.Add("GET", "/api/integrations", Auth::kAdmin, [&registry](const ExchangePtr& ex) {
    const std::int64_t now = registry.Now();
    boost::json::array list;
    for (const Integration& i : registry.List()) list.push_back(IntegrationObject(i, now));
    ex->Reply(JsonResponse(200, boost::json::serialize(list)));
  });

  router.Add("POST", "/api/integrations", Auth::kAdmin, [&registry, &pool](const ExchangePtr& ex) {
    auto body = ReadJsonObject(ex, {"name", "callback_allowlist"});
    if (!body) return;
    auto name = OptionalString(*body, "name");
    if (!name.ok()) return ReplyError(ex, name.error());
    if (!name.value()) return ReplyError(ex, InvalidArgument("name: is required"));
    auto allowlist = ReadAllowlist(*body);
    if (!allowlist.ok()) return ReplyError(ex, allowlist.error());
    pool.Post([ex, &registry, name = *name.value(), allowlist = std::move(allowlist).value()] {
      const std::int64_t now = registry.Now();
      auto created = registry.Create(name, allowlist, now);
      if (!created.ok()) return ReplyError(ex, created.error());
      boost::json::object o = IntegrationObject(created.value(), now);
      o["secret"] = created.value().secret;
      Response r = JsonResponse(201, boost::json::serialize(o));
      r.Set("Location", "/api/integrations/" + name);
      r.Set("Cache-Control", "no-store");
      AuditThenReply(ex, {"integration.create", name, "", AuditJson(created.value(), now)},
                     std::move(r));
    });
  });

  router.Add(
      "POST", "/api/integrations/{name}/rotate", Auth::kAdmin,
      [&registry, &pool](const ExchangePtr& ex) {
        pool.Post([ex, &registry] {
          const std::int64_t now = registry.Now();
          const std::string& name = ex->params.at("name");
          std::string before = CurrentJson(registry, name, now);
          auto rotated = registry.Rotate(name, now);
          if (!rotated.ok()) return ReplyError(ex, rotated.error());
          boost::json::object o = IntegrationObject(rotated.value(), now);
          o["secret"] = rotated.value().secret;
          Response r = JsonResponse(200, boost::json::serialize(o));
          r.Set("Cache-Control", "no-store");
          AuditThenReply(
              ex, {"integration.rotate", name, std::move(before), AuditJson(rotated.value(), now)},
              std::move(r));
        });
      });

  // Only the allowlist is editable; the name is the URL and the secrets change by rotation.
  router.Add(
      "PATCH", "/api/integrations/{name}", Auth::kAdmin, [&registry, &pool](const ExchangePtr& ex) {
        auto body = ReadJsonObject(ex, {"callback_allowlist"});
        if (!body) return;
        if (!body->contains("callback_allowlist")) {
          return ReplyError(ex, InvalidArgument("callback_allowlist: is required"));
        }
        auto allowlist = ReadAllowlist(*body);
        if (!allowlist.ok()) return ReplyError(ex, allowlist.error());
        pool.Post([ex, &registry, allowlist = std::move(allowlist).value()] {
          const std::int64_t now = registry.Now();
          const std::string& name = ex->params.at("name");
          std::string before = CurrentJson(registry, name, now);
          auto updated = registry.SetAllowlist(name, allowlist);
          if (!updated.ok()) return ReplyError(ex, updated.error());
          std::string after = AuditJson(updated.value(), now);
          Response r = JsonResponse(200, after);
          AuditThenReply(ex, {"integration.update", name, std::move(before), std::move(after)},
                         std::move(r));
        });
      });

  router.Add(
      "DELETE", "/api/integrations/{name}", Auth::kAdmin,
      [&registry, &pool](const ExchangePtr& ex) {
        pool.Post([ex, &registry] {
          const std::string& name = ex->params.at("name");
          std::string before = CurrentJson(registry, name, registry.Now());
          Status deleted = registry.Delete(name);
          if (!deleted.ok()) return ReplyError(ex, deleted.error());
          Response r;
          r.status = 204;
          AuditThenReply(ex, {"integration.delete", name, std::move(before), ""}, std::move(r));
        });
      });
}

}  // namespace storybot::webhook
