#pragma once
// The RFC 9112 rules a request's head must pass before any byte of its body is read: message
// framing (§6), the request target's form (§3.2) and Host (§3.2, RFC 9110 §7.2). A pure function
// of the parsed head, so that every rule has a sharp unit test; http/server.cpp applies the verdict
// (an error is answered and the connection closed, because after a framing error the next
// request's first byte cannot be found).
#include <optional>
#include <string>
#include <string_view>

#include "http/exchange.h"
#include "http/message.h"

namespace storybot::http {

struct RequestHead {
  unsigned version = 11;  // 10 * major + minor, as Beast reports it
  std::string_view method;
  std::string_view target;  // as received
  const Headers& headers;   // every field line, in order, duplicates kept
};

struct RequestHeadVerdict {
  // Set when the request must be refused; the connection is then closed.
  std::optional<EarlyError> error;
  // The origin-form target ("/path?query"): an absolute-form target ("http://host/path") is
  // reduced to it, so routing never sees the scheme or authority.
  std::string target;
  // The authority the request is for: the absolute-form target's, else the Host field's.
  std::string host;
};

RequestHeadVerdict CheckRequestHead(const RequestHead& head);

}  // namespace storybot::http
