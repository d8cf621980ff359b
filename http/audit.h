#pragma once
// One call for an admin write handler to record what it did: the admin, method and route and
// trace id come from the exchange; the handler gives the action, target and before/after JSON.
#include <string>

#include "http/exchange.h"

namespace storybot::http {

struct AuditChange {
  std::string action;  // e.g. "prompt.update"
  std::string target;  // the object's id or name
  std::string before;  // JSON, or empty when the handler has none
  std::string after;
};

// Records `change`, then sends `response` once the record is committed, so a client that saw
// the response also finds the record. A failed record is logged (with the trace id) and does not
// turn the response into an error: the change itself has been made. Without an audit log on the
// exchange, just replies.
void AuditThenReply(const ExchangePtr& ex, AuditChange change, Response response);

}  // namespace storybot::http
