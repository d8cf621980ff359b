#include "channels/webhook/job_status.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/clock.h"

namespace storybot::webhook {

std::optional<std::int64_t> ParseJobId(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

boost::json::object JobStatusObject(const WebhookJob& job) {
  std::string status = job.state;  // done, pending
  if (job.state == "dead" || job.state == "failed") status = "failed";
  boost::json::object o{{"job_id", job.id},
                        {"status", status},
                        {"created_at", job.created_at},
                        {"updated_at", job.updated_at}};
  o["story"] = job.reply ? boost::json::value(*job.reply) : boost::json::value(nullptr);
  if (job.callback) {
    const CallbackRecord& c = *job.callback;
    boost::json::object cb{
        {"state", c.state}, {"attempts", c.attempts}, {"webhook_id", c.message_id}};
    cb["last_status"] = c.last_status ? boost::json::value(c.last_status) : nullptr;
    cb["last_error"] =
        c.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(c.last_error);
    if (c.state == "pending") {
      cb["next_attempt_at"] = FormatRfc3339(
          std::chrono::system_clock::time_point(std::chrono::seconds(c.next_attempt_at)));
    }
    o["callback"] = std::move(cb);
  }
  return o;
}

void ServeJobStatus(const http::ExchangePtr& ex, const Integration& integration,
                    IntegrationStore& store, WorkPool& pool) {
  const std::string& text = ex->params.at("id");
  const std::optional<std::int64_t> id = ParseJobId(text);
  if (!id) return http::ReplyError(ex, 404, "not_found", "job " + text + " does not exist");
  pool.Post([ex, id = *id, prefix = integration.name + ":", &store] {
    auto job = store.FindJob(id, prefix);
    if (!job.ok()) return http::ReplyError(ex, job.error());
    if (!job.value()) {
      return http::ReplyError(ex, 404, "not_found",
                              "job " + std::to_string(id) + " does not exist");
    }
    ex->Reply(http::JsonResponse(200, boost::json::serialize(JobStatusObject(*job.value()))));
  });
}

}  // namespace storybot::webhook
