#include "tests/support/http_client.h"

#include "core/net/http_call.h"

namespace storybot::test {

// The tests speak HTTP with the same client storybot uses for its outbound calls.
HttpResult Fetch(const std::string& method, const std::string& url, const HeaderList& headers,
                 const std::string& body, long timeout_ms) {
  HttpCall call;
  call.method = method;
  call.url = url;
  call.headers = headers;
  call.body = body;
  call.timeout_ms = timeout_ms;
  call.connect_timeout_ms = timeout_ms;
  call.max_response_bytes = 64 << 20;
  HttpCallResult reply = Perform(call);
  HttpResult result;
  result.status = reply.status;
  result.headers = std::move(reply.headers);
  result.body = std::move(reply.body);
  result.error = std::move(reply.error);
  return result;
}

}  // namespace storybot::test
