#pragma once
// One request and its (future) response. Handlers may answer later and from any thread; the
// server takes care of getting the response back onto the connection's strand.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/admin/admin_accounts.h"
#include "core/admin/audit_log.h"
#include "core/logging.h"
#include "core/result.h"
#include "http/message.h"

namespace storybot::http {

// Set by the server when a request could not be read whole (413, 431, 400): the dispatcher
// answers with it instead of routing.
struct EarlyError {
  int status;
  std::string code;
  std::string message;
};

class Exchange {
 public:
  using Sender = std::function<void(Response)>;
  using ReplyHook = std::function<void(Response&)>;

  Exchange(Request request, Sender sender)
      : request_(std::move(request)), sender_(std::move(sender)) {}

  const Request& request() const { return request_; }

  // Set by middleware on the way in.
  std::string trace_id;
  std::string route = "unmatched";  // the matched pattern, for logs and metric labels
  std::map<std::string, std::string, std::less<>> params;  // path parameters
  std::optional<EarlyError> early_error;
  // The admin who made the request (set on admin routes once authenticated), and where their
  // writes are recorded (http/audit.h); `audit` is null when nothing records them.
  std::optional<AdminIdentity> admin;
  AuditLog* audit = nullptr;
  Logger* audit_logger = nullptr;
  // Why a 5xx was answered (e.g. "database or disk is full"): logged, never sent to the client.
  std::string error_cause;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Hooks run on Reply, newest first (so the outermost middleware sees the final response).
  // Register them only on the way in, before any Reply.
  void OnReply(ReplyHook hook) { hooks_.push_back(std::move(hook)); }

  // Sends the response; only the first call counts. Thread-safe.
  void Reply(Response response);
  bool replied() const { return replied_.load(); }

 private:
  Request request_;
  Sender sender_;
  std::vector<ReplyHook> hooks_;
  std::atomic<bool> replied_{false};
};

using ExchangePtr = std::shared_ptr<Exchange>;

// The JSON error body (http/openapi.yaml, Error): {"error":{"code","message"},"trace_id"}.
Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view trace_id);
// Maps a core Error to its HTTP status and error body.
Response ErrorResponse(const Error& error, std::string_view trace_id);
int HttpStatusFor(ErrorCode code);

inline void ReplyError(const ExchangePtr& ex, int status, std::string_view code,
                       std::string_view message) {
  ex->Reply(ErrorResponse(status, code, message, ex->trace_id));
}
inline void ReplyError(const ExchangePtr& ex, const Error& error) {
  if (HttpStatusFor(error.code) >= 500 && ex->error_cause.empty()) ex->error_cause = error.message;
  ex->Reply(ErrorResponse(error, ex->trace_id));
}

}  // namespace storybot::http
