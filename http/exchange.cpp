#include "http/exchange.h"

#include <boost/json.hpp>

#include "core/utf8.h"

namespace storybot::http {

void Exchange::Reply(Response response) {
  if (replied_.exchange(true)) return;
  for (auto it = hooks_.rbegin(); it != hooks_.rend(); ++it) (*it)(response);
  sender_(std::move(response));
}

Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view trace_id) {
  boost::json::object body;
  // Messages may quote the request (a path parameter, a field name): Boost.JSON would copy
  // malformed UTF-8 through, and the body would no longer be JSON.
  body["error"] = {{"code", code}, {"message", utf8::Sanitize(message)}};
  body["trace_id"] = trace_id;
  return JsonResponse(status, boost::json::serialize(body));
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const Error& error, std::string_view trace_id) {
  const int status = HttpStatusFor(error.code);
  // 5xx bodies never carry internals (SQL, paths); the log line has them (ReplyError keeps the
  // message in Exchange::error_cause, and the observability middleware logs it).
  const std::string_view message =
      status >= 500 ? (status == 503 ? "service temporarily unavailable" : "internal error")
                    : std::string_view(error.message);
  return ErrorResponse(status, ErrorCodeName(error.code), message, trace_id);
}

}  // namespace storybot::http
