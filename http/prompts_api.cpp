#include "http/prompts_api.h"

#include <boost/json.hpp>
#include <charconv>
#include <map>

#include "http/audit.h"
#include "http/json_body.h"

namespace storybot::http {
namespace {

boost::json::object PromptObject(const Prompt& p) {
  return {{"id", p.id},
          {"title", p.title},
          {"content", p.content},
          {"enabled", p.enabled},
          {"version", p.version},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

std::optional<std::int64_t> PromptId(const ExchangePtr& ex) {
  const std::string& text = ex->params.at("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    ReplyError(ex, 404, "not_found", "prompt " + text + " does not exist");
    return std::nullopt;
  }
  return id;
}

// The list body is cached per snapshot generation and usage generation: GET /api/prompts is the
// hot admin read, and both change only on writes.
class ListCache {
 public:
  // The cached body when it is still current, else null.
  std::shared_ptr<const std::string> Current(std::uint64_t prompts, std::uint64_t usage) {
    std::lock_guard lock(mutex_);
    if (body_ && prompts_ == prompts && usage_ == usage) return body_;
    return nullptr;
  }

  std::shared_ptr<const std::string> Build(const PromptService::Snapshot& snapshot,
                                           std::uint64_t usage_generation,
                                           const std::map<std::int64_t, std::int64_t>& usage) {
    boost::json::array list;
    for (const Prompt& p : snapshot.prompts) {
      boost::json::object o = PromptObject(p);
      const auto found = usage.find(p.id);
      o["usage_count"] = found == usage.end() ? 0 : found->second;
      list.push_back(std::move(o));
    }
    auto body = std::make_shared<const std::string>(boost::json::serialize(list));
    std::lock_guard lock(mutex_);
    body_ = body;
    prompts_ = snapshot.generation;
    usage_ = usage_generation;
    return body;
  }

 private:
  std::mutex mutex_;
  std::uint64_t prompts_ = 0;
  std::uint64_t usage_ = 0;
  std::shared_ptr<const std::string> body_;
};

// The writable fields of a prompt body, type-checked.
Result<PromptChange> ReadPromptFields(const boost::json::object& body) {
  auto content = OptionalString(body, "content");
  if (!content.ok()) return content.error();
  auto title = OptionalString(body, "title");
  if (!title.ok()) return title.error();
  auto enabled = OptionalBool(body, "enabled");
  if (!enabled.ok()) return enabled.error();
  return PromptChange{title.value(), content.value(), enabled.value()};
}

Response PromptResponse(int status, const Prompt& prompt) {
  Response r = JsonResponse(status, PromptJson(prompt));
  if (status == 201) r.Set("Location", "/api/prompts/" + std::to_string(prompt.id));
  return r;
}

void ReplyPrompt(const ExchangePtr& ex, int status, const Result<Prompt>& prompt) {
  if (!prompt.ok()) return ReplyError(ex, prompt.error());
  ex->Reply(PromptResponse(status, prompt.value()));
}

// The prompt as it is now, as JSON for the audit trail; empty when it cannot be found.
std::string CurrentPromptJson(PromptService& prompts, std::int64_t id) {
  auto snapshot = prompts.List();
  if (!snapshot.ok()) return "";
  for (const Prompt& p : snapshot.value()->prompts) {
    if (p.id == id) return PromptJson(p);
  }
  return "";
}

// Replies with the written prompt after recording the change.
void AuditPrompt(const ExchangePtr& ex, const char* action, int status, std::string before,
                 const Result<Prompt>& written) {
  if (!written.ok()) return ReplyError(ex, written.error());
  const Prompt& p = written.value();
  AuditThenReply(ex, {action, std::to_string(p.id), std::move(before), PromptJson(p)},
                 PromptResponse(status, p));
}

}  // namespace

std::string PromptJson(const Prompt& prompt) {
  return boost::json::serialize(PromptObject(prompt));
}

void AddPromptRoutes(Router& router, PromptService& prompts, WorkPool& pool, ChatStore& usage) {
  auto cache = std::make_shared<ListCache>();
  router.Add("GET", "/api/prompts", Auth::kAdmin,
             [&prompts, &pool, &usage, cache](const ExchangePtr& ex) {
               auto snapshot = prompts.List();
               if (!snapshot.ok()) return ReplyError(ex, snapshot.error());
               const std::uint64_t generation = usage.PromptUsageGeneration();
               if (auto body = cache->Current(snapshot.value()->generation, generation)) {
                 return ex->Reply(JsonResponse(200, *body));
               }
               // A story was written since: re-read the counts off the I/O thread.
               pool.Post([ex, &usage, cache, generation, snapshot = snapshot.value()] {
                 auto counts = usage.PromptUsage();
                 if (!counts.ok()) return ReplyError(ex, counts.error());
                 const std::map<std::int64_t, std::int64_t> by_id(counts.value().begin(),
                                                                  counts.value().end());
                 ex->Reply(JsonResponse(200, *cache->Build(*snapshot, generation, by_id)));
               });
             });

  router.Add("POST", "/api/prompts", Auth::kAdmin, [&prompts, &pool](const ExchangePtr& ex) {
    auto body = ReadJsonObject(ex, {"content", "title", "enabled"});
    if (!body) return;
    auto fields = ReadPromptFields(*body);
    if (!fields.ok()) return ReplyError(ex, fields.error());
    PromptChange& f = fields.value();
    if (!f.content) return ReplyError(ex, InvalidArgument("content: is required"));
    NewPrompt prompt{f.title.value_or(""), *f.content, f.enabled.value_or(true)};
    pool.Post([ex, &prompts, prompt = std::move(prompt)]() mutable {
      AuditPrompt(ex, "prompt.create", 201, "", prompts.Create(std::move(prompt)));
    });
  });

  router.Add("GET", "/api/prompts/{id}", Auth::kAdmin, [&prompts](const ExchangePtr& ex) {
    const auto id = PromptId(ex);
    if (!id) return;
    auto snapshot = prompts.List();
    if (!snapshot.ok()) return ReplyError(ex, snapshot.error());
    for (const Prompt& p : snapshot.value()->prompts) {
      if (p.id == *id) return ReplyPrompt(ex, 200, p);
    }
    ReplyError(ex, NotFound("prompt " + std::to_string(*id) + " does not exist"));
  });

  router.Add("PUT", "/api/prompts/{id}", Auth::kAdmin, [&prompts, &pool](const ExchangePtr& ex) {
    const auto id = PromptId(ex);
    if (!id) return;
    auto body = ReadJsonObject(ex, {"content", "title", "enabled"});
    if (!body) return;
    auto change = ReadPromptFields(*body);
    if (!change.ok()) return ReplyError(ex, change.error());
    pool.Post([ex, &prompts, id = *id, change = std::move(change).value()]() mutable {
      std::string before = CurrentPromptJson(prompts, id);
      AuditPrompt(ex, "prompt.update", 200, std::move(before),
                  prompts.Update(id, std::move(change)));
    });
  });

  router.Add("DELETE", "/api/prompts/{id}", Auth::kAdmin, [&prompts, &pool](const ExchangePtr& ex) {
    const auto id = PromptId(ex);
    if (!id) return;
    pool.Post([ex, &prompts, id = *id] {
      std::string before = CurrentPromptJson(prompts, id);
      Status deleted = prompts.Delete(id);
      if (!deleted.ok()) return ReplyError(ex, deleted.error());
      Response r;
      r.status = 204;
      AuditThenReply(ex, {"prompt.delete", std::to_string(id), std::move(before), ""},
                     std::move(r));
    });
  });

  router.Add("GET", "/api/prompts/{id}/versions", Auth::kAdmin,
             [&prompts, &pool](const ExchangePtr& ex) {
               const auto id = PromptId(ex);
               if (!id) return;
               pool.Post([ex, &prompts, id = *id] {
                 auto versions = prompts.Versions(id);
                 if (!versions.ok()) return ReplyError(ex, versions.error());
                 boost::json::array list;
                 for (const PromptVersion& v : versions.value()) {
                   list.push_back({{"version", v.version},
                                   {"title", v.title},
                                   {"content", v.content},
                                   {"enabled", v.enabled},
                                   {"created_at", v.created_at}});
                 }
                 ex->Reply(JsonResponse(200, boost::json::serialize(list)));
               });
             });
}

}  // namespace storybot::http
