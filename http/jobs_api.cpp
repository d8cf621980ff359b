#include "http/jobs_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <iterator>

#include "http/audit.h"

namespace storybot::http {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

std::optional<std::int64_t> JobId(const ExchangePtr& ex) {
  const std::string& text = ex->params.at("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    ReplyError(ex, 404, "not_found", "job " + text + " does not exist");
    return std::nullopt;
  }
  return id;
}

boost::json::object JobObject(const JobSummary& j) {
  boost::json::object o{{"id", j.id},
                        {"channel", j.channel},
                        {"chat_id", j.chat_id},
                        {"state", j.state},
                        {"attempts", j.attempts},
                        {"trace_id", j.trace_id},
                        {"created_at", j.created_at},
                        {"updated_at", j.updated_at}};
  if (j.last_error.empty()) {
    o["last_error"] = nullptr;
  } else {
    o["last_error"] = j.last_error;
  }
  return o;
}

void List(const ExchangePtr& ex, JobsApiDeps& deps) {
  int limit = kDefaultLimit;
  const std::string limit_text = ex->request().QueryParam("limit");
  if (!limit_text.empty()) {
    const auto [end, ec] =
        std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc() || end != limit_text.data() + limit_text.size() || limit < 1 ||
        limit > kMaxLimit) {
      return ReplyError(ex, InvalidArgument("limit: must be an integer in 1..500"));
    }
  }
  // An enum in the API document: a misspelt state is an error, not an empty list.
  const std::string state = ex->request().QueryParam("state");
  if (!state.empty() && std::find(std::begin(kJobListStates), std::end(kJobListStates), state) ==
                            std::end(kJobListStates)) {
    std::string names;
    for (const char* name : kJobListStates)
      names += (names.empty() ? "" : ", ") + std::string(name);
    return ReplyError(ex, InvalidArgument("state: must be one of " + names));
  }
  deps.pool.Post([ex, &deps, state, limit] {
    auto jobs = deps.chats.ListJobs(state, limit);
    if (!jobs.ok()) return ReplyError(ex, jobs.error());
    boost::json::array list;
    for (const JobSummary& j : jobs.value()) list.push_back(JobObject(j));
    ex->Reply(JsonResponse(200, boost::json::serialize(list)));
  });
}

void Retry(const ExchangePtr& ex, JobsApiDeps& deps) {
  const auto id = JobId(ex);
  if (!id) return;
  // Committed as pending before the runner sees it: a crash right after still runs it once.
  deps.chats.Requeue(*id, [ex, &deps](Result<Job> job) {
    if (!job.ok()) return ReplyError(ex, job.error());
    const std::int64_t job_id = job.value().id;
    deps.run_now(std::move(job).value());
    const std::string after = boost::json::serialize(
        boost::json::object{{"id", job_id}, {"state", "waiting"}, {"attempts", 0}});
    AuditThenReply(ex, {"job.retry", std::to_string(job_id), "", after}, JsonResponse(202, after));
  });
}

void Discard(const ExchangePtr& ex, JobsApiDeps& deps) {
  const auto id = JobId(ex);
  if (!id) return;
  deps.chats.Discard(*id, [ex, job_id = *id](Status discarded) {
    if (!discarded.ok()) return ReplyError(ex, discarded.error());
    Response r;
    r.status = 204;
    AuditThenReply(ex, {"job.discard", std::to_string(job_id), "", ""}, std::move(r));
  });
}

}  // namespace

void AddJobRoutes(Router& router, JobsApiDeps deps) {
  auto shared = std::make_shared<JobsApiDeps>(std::move(deps));
  router.Add("GET", "/api/jobs", Auth::kAdmin,
             [shared](const ExchangePtr& ex) { List(ex, *shared); });
  router.Add("POST", "/api/jobs/{id}/retry", Auth::kAdmin,
             [shared](const ExchangePtr& ex) { Retry(ex, *shared); });
  router.Add("DELETE", "/api/jobs/{id}", Auth::kAdmin,
             [shared](const ExchangePtr& ex) { Discard(ex, *shared); });
}

}  // namespace storybot::http
