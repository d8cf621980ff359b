#include "channels/webhook/callback_client.h"

#include <curl/curl.h>
#include <netdb.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace storybot::webhook {
namespace {

struct Sink {
  std::string body;
  std::size_t limit = 0;
  int retry_after_s = 0;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  // Past the cap the rest is dropped, not an error: the status line has already arrived.
  const std::size_t room = sink->limit > sink->body.size() ? sink->limit - sink->body.size() : 0;
  sink->body.append(data, std::min(n, room));
  return n;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    line.remove_prefix(kName.size());
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    int seconds = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), seconds);
    if (ec == std::errc() && seconds > 0) sink->retry_after_s = std::min(seconds, 3600);
  }
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load() ? 1 : 0;
}

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

CallbackResult PostCallback(const CallbackCall& call) {
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
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.error = "cannot create an HTTP client";
    return result;
  }
  // Pin the name to the addresses just checked: curl must not look it up again.
  std::string pinned = url.value().host + ":" + std::to_string(url.value().port) + ":";
  for (std::size_t i = 0; i < addresses.value().size(); ++i) {
    const IpAddress& ip = addresses.value()[i];
    pinned += (i ? "," : "") + (ip.v6 ? "[" + ip.ToString() + "]" : ip.ToString());
  }
  curl_slist* resolve = url.value().literal ? nullptr : curl_slist_append(nullptr, pinned.c_str());
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : call.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  Sink sink;
  sink.limit = call.max_response_bytes;
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (resolve != nullptr) curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never through an environment proxy
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, call.cancel);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, call.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "storybot-webhooks");
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
    result.outcome = OutcomeForStatus(result.status);
    result.retry_after_s = sink.retry_after_s;
    if (result.outcome != CallbackOutcome::kDelivered) {
      result.error = "callback answered " + std::to_string(result.status);
    }
  } else {
    result.outcome = CallbackOutcome::kRetry;
    result.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_slist_free_all(resolve);
  curl_easy_cleanup(curl);
  return result;
}

}  // namespace storybot::webhook
