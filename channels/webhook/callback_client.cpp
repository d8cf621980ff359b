#include "channels/webhook/callback_client.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace storybot::webhook {
namespace {

// Every address of `url.host` (the literal itself for IP hosts), each checked.
Result<std::vector<IpAddress>> ResolveChecked(const CallbackUrl& url,
                                              const std::vector<AllowEntry>& allowlist) {
  std::vector<IpAddress> addresses;
  if (url.literal) {
    addresses.push_back(*url.literal);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &found);
    if (rc != 0) return Unavailable("cannot resolve " + url.host + ": " + gai_strerror(rc));
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      IpAddress ip;
      if (a->ai_family == AF_INET) {
        std::memcpy(ip.bytes.data(), &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, 4);
      } else if (a->ai_family == AF_INET6) {
        ip.v6 = true;
        std::memcpy(ip.bytes.data(), &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, 16);
      } else {
        continue;
      }
      addresses.push_back(ip);
    }
    freeaddrinfo(found);
    if (addresses.empty()) return Unavailable("no address for " + url.host);
  }
  for (const IpAddress& ip : addresses) {
    Status allowed = CheckAddress(ip, url.host, allowlist);
    if (!allowed.ok()) return allowed.error();
  }
  return addresses;
}

}  // namespace

CallbackOutcome OutcomeForStatus(long status) {
  if (status >= 200 && status < 300) return CallbackOutcome::kDelivered;
  if (status == 410) return CallbackOutcome::kGone;
  if (status == 408 || status == 429 || status >= 500) return CallbackOutcome::kRetry;
  return CallbackOutcome::kFailed;  // 3xx (never followed) and other 4xx
}

namespace {

// Retry-After in seconds (a date is ignored: callbacks back off on their own), capped at 1 h.
int RetryAfterSeconds(const HttpCallResult& answer) {
  const std::string value = answer.Header("retry-after");
  int seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  return ec == std::errc() && seconds > 0 ? std::min(seconds, 3600) : 0;
}

}  // namespace

CallbackResult PostCallback(const CallbackCall& call, HttpTransport& transport) {
  CallbackResult result;
  auto url = ParseCallbackUrl(call.url);
  if (!url.ok()) {
    result.outcome = CallbackOutcome::kRefused;
    result.error = "callback_url: " + url.error().message;
    return result;
  }
  auto addresses = ResolveChecked(url.value(), call.allowlist);
  if (!addresses.ok()) {
    const bool refused = addresses.error().code == ErrorCode::kInvalidArgument;
    result.outcome = refused ? CallbackOutcome::kRefused : CallbackOutcome::kRetry;
    result.error = addresses.error().message;
    return result;
  }
  HttpCall http;
  http.method = "POST";
  http.url = call.url;
  http.headers = call.headers;
  http.body = call.body;
  http.connect_timeout_ms = call.connect_timeout_ms;
  http.timeout_ms = call.timeout_ms;
  http.max_response_bytes = call.max_response_bytes;
  http.truncate_body = true;  // past the cap the rest is dropped: the status has arrived
  http.cancel = call.cancel;
  http.no_proxy = true;  // a proxy would resolve the name itself, past the checks
  http.user_agent = "storybot-webhooks";
  if (!url.value().literal) {
    // Pin the name to the addresses just checked: the transport must not look it up again.
    std::string pinned = url.value().host + ":" + std::to_string(url.value().port) + ":";
    for (std::size_t i = 0; i < addresses.value().size(); ++i) {
      const IpAddress& ip = addresses.value()[i];
      pinned += (i ? "," : "") + (ip.v6 ? "[" + ip.ToString() + "]" : ip.ToString());
    }
    http.resolve.push_back(std::move(pinned));
  }
  const HttpCallResult answer = transport.Call(http);
  if (answer.status == 0) {
    result.outcome = CallbackOutcome::kRetry;
    result.error = answer.error;
    return result;
  }
  result.status = answer.status;
  result.outcome = OutcomeForStatus(result.status);
  result.retry_after_s = RetryAfterSeconds(answer);
  if (result.outcome != CallbackOutcome::kDelivered) {
    result.error = "callback answered " + std::to_string(result.status);
  }
  return result;
}

}  // namespace storybot::webhook
