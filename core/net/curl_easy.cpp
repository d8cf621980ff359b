#include "core/net/curl_easy.h"

#include <algorithm>

namespace storybot::net {
namespace {

bool IsRetryableCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace

CurlEasy::CurlEasy(HttpCall call) : call_(std::move(call)), curl_(curl_easy_init()) {
  if (curl_ == nullptr) return;
  for (const auto& [name, value] : call_.headers) {
    headers_ = curl_slist_append(headers_, (name + ": " + value).c_str());
  }
  headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
  for (const std::string& pin : call_.resolve) resolve_ = curl_slist_append(resolve_, pin.c_str());
  CURL* e = curl_;
  curl_easy_setopt(e, CURLOPT_URL, call_.url.c_str());
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call_.method.c_str());
  if (call_.method == "HEAD") curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  if (call_.method != "GET" && call_.method != "HEAD") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, call_.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call_.body.size()));
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_);
  if (resolve_ != nullptr) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve_);
  if (call_.no_proxy) {
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  }
  if (!call_.user_agent.empty()) curl_easy_setopt(e, CURLOPT_USERAGENT, call_.user_agent.c_str());
  if (call_.accept_encoding) curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  if (call_.tcp_keepalive) curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlEasy::OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlEasy::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, call_.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, call_.timeout_ms);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  if (call_.cancel != nullptr) {
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &CurlEasy::OnProgress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(call_.cancel));
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  }
}

CurlEasy::~CurlEasy() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
  curl_slist_free_all(headers_);
  curl_slist_free_all(resolve_);
}

std::size_t CurlEasy::OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* self = static_cast<CurlEasy*>(user);
  const std::size_t n = size * count;
  std::string& body = self->result_.body;
  const std::size_t limit = self->call_.max_response_bytes;
  if (body.size() + n > limit) {
    if (self->call_.truncate_body) {  // keep what fits, let the transfer finish
      body.append(data, limit > body.size() ? limit - body.size() : 0);
      return n;
    }
    self->overflow_ = true;
    return 0;  // aborts the transfer
  }
  body.append(data, n);
  return n;
}

std::size_t CurlEasy::OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* self = static_cast<CurlEasy*>(user);
  const std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) self->result_.headers.clear();  // a new response (after a 100)
  const std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.pop_back();
    }
    self->result_.headers[name] = value;
  }
  return size * count;
}

int CurlEasy::OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

HttpCallResult CurlEasy::Finish(CURLcode code) {
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &result_.status);
  } else {
    result_.status = 0;
    result_.too_large = overflow_;
    result_.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    result_.retryable = IsRetryableCode(code);
    result_.error = overflow_ ? "response body too large" : curl_easy_strerror(code);
    result_.detail = error_[0] != '\0' ? error_ : result_.error;
  }
  return std::move(result_);
}

}  // namespace storybot::net
