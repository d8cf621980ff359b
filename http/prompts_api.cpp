#include "http/prompts_api.h"

#include <boost/json.hpp>
#include <charconv>

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

// The list body is cached per snapshot generation: GET /api/prompts is the hot admin read.
class ListCache {
 public:
  std::shared_ptr<const std::string> Get(const PromptService::Snapshot& snapshot) {
    std::lock_guard lock(mutex_);
    if (!body_ || generation_ != snapshot.generation) {
      boost::json::array list;
      for (const Prompt& p : snapshot.prompts) list.push_back(PromptObject(p));
      body_ = std::make_shared<const std::string>(boost::json::serialize(list));
      generation_ = snapshot.generation;
    }
    return body_;
  }

 private:
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
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

void AddPromptRoutes(Router& router, PromptService& prompts, WorkPool& pool) {
  auto cache = std::make_shared<ListCache>();
  router.Add("GET", "/api/prompts", Auth::kAdmin, [&prompts, cache](const ExchangePtr& ex) {
    auto snapshot = prompts.List();
    if (!snapshot.ok()) return ReplyError(ex, snapshot.error());
    ex->Reply(JsonResponse(200, *cache->Get(*snapshot.value())));
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
