#include "http/audit.h"

namespace storybot::http {

void AuditThenReply(const ExchangePtr& ex, AuditChange change, Response response) {
  if (ex->audit == nullptr || !ex->admin) return ex->Reply(std::move(response));
  AuditRecord record;
  record.actor = ex->admin->name;
  record.actor_role = AdminRoleName(ex->admin->role);
  record.action = std::move(change.action);
  record.method = ex->request().method;
  record.route = ex->route;
  record.target = std::move(change.target);
  record.before_json = std::move(change.before);
  record.after_json = std::move(change.after);
  record.trace_id = ex->trace_id;
  const std::string action = record.action;
  ex->audit->Record(
      std::move(record), [ex, action, response = std::move(response)](Status recorded) mutable {
        if (!recorded.ok() && ex->audit_logger != nullptr) {
          ex->audit_logger->Log(LogLevel::kError, "audit record not written",
                                {{"error.message", std::string_view(recorded.error().message)},
                                 {"event.action", std::string_view(action)}},
                                ex->trace_id);
        }
        ex->Reply(std::move(response));
      });
}

}  // namespace storybot::http
