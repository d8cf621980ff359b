#include "http/request_head.h"

#include <strings.h>

#include <vector>

namespace storybot::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

RequestHeadVerdict Refuse(int status, std::string code, std::string message) {
  RequestHeadVerdict verdict;
  verdict.error = EarlyError{status, std::move(code), std::move(message)};
  return verdict;
}

RequestHeadVerdict BadRequest(std::string message) {
  return Refuse(400, "bad_request", std::move(message));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 3986 reg-name and IPv4address characters: unreserved / pct-encoded / sub-delims.
bool IsRegNameChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c)) return true;
  return std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool IsIpLiteralChar(char c) {
  return IsRegNameChar(c) || c == ':';  // IPv6 and IPvFuture, loosely
}

// uri-host [ ":" port ] (RFC 9110 §7.2). Empty is valid: the target had no authority.
bool IsValidAuthority(std::string_view authority) {
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : host.substr(1, close - 1)) {
      if (!IsIpLiteralChar(c)) return false;
    }
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
    }
    for (char c : host) {
      if (!IsRegNameChar(c)) return false;
    }
  }
  for (char c : port) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Transfer-Encoding (RFC 9112 §6.1, §6.3): only "chunked", and only once, as the final coding.
std::optional<RequestHeadVerdict> CheckTransferEncoding(const RequestHead& head) {
  std::vector<std::string_view> codings;
  bool present = false;
  bool content_length = false;
  for (const auto& [name, value] : head.headers) {
    if (EqualsIgnoreCase(name, "Content-Length")) content_length = true;
    if (!EqualsIgnoreCase(name, "Transfer-Encoding")) continue;
    present = true;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view element = TrimOws(rest.substr(0, comma));
      if (!element.empty()) codings.push_back(element);  // empty list elements are ignored
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  if (!present) return std::nullopt;
  if (head.version < 11) {
    return BadRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  }
  if (content_length) {
    return BadRequest("a request may not carry both Transfer-Encoding and Content-Length");
  }
  if (codings.empty() || !EqualsIgnoreCase(codings.back(), "chunked")) {
    return BadRequest(
        "the request body's length cannot be determined: chunked must be the final "
        "transfer coding");
  }
  for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
    if (StartsWithIgnoreCase(codings[i], "chunked")) {
      return BadRequest("chunked may be applied only once");
    }
    return Refuse(501, "not_implemented",
                  "transfer coding '" + std::string(codings[i]) + "' is not supported");
  }
  return std::nullopt;
}

// Host (RFC 9112 §3.2): exactly one in HTTP/1.1, at most one in HTTP/1.0, and well formed.
std::optional<RequestHeadVerdict> CheckHost(const RequestHead& head, std::string* host) {
  int count = 0;
  for (const auto& [name, value] : head.headers) {
    if (!EqualsIgnoreCase(name, "Host")) continue;
    ++count;
    *host = std::string(TrimOws(value));
  }
  if (count > 1) return BadRequest("the request has more than one Host header");
  if (count == 0 && head.version >= 11)
    return BadRequest("an HTTP/1.1 request needs a Host header");
  if (!IsValidAuthority(*host)) return BadRequest("the Host header is not a valid host[:port]");
  return std::nullopt;
}

// The request target (RFC 9112 §3.2): origin-form, absolute-form (reduced to origin-form), or
// "*" for OPTIONS. Authority-form is only for CONNECT, which storybot does not serve.
std::optional<RequestHeadVerdict> CheckTarget(const RequestHead& head, RequestHeadVerdict* out) {
  std::string_view target = head.target;
  if (target.find('#') != std::string_view::npos) {
    return BadRequest("the request target may not contain a fragment");
  }
  if (!target.empty() && target.front() == '/') {
    out->target = std::string(target);
    return std::nullopt;
  }
  if (target == "*" && head.method == "OPTIONS") {
    out->target = "*";
    return std::nullopt;
  }
  const std::size_t scheme_end = target.find("://");
  const std::string_view scheme =
      scheme_end == std::string_view::npos ? std::string_view() : target.substr(0, scheme_end);
  if (!EqualsIgnoreCase(scheme, "http") && !EqualsIgnoreCase(scheme, "https")) {
    return BadRequest("the request target must be a path (/...) or an absolute http(s) URI");
  }
  const std::string_view rest = target.substr(scheme_end + 3);
  const std::size_t path_start = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.empty() || authority.find('@') != std::string_view::npos ||
      !IsValidAuthority(authority)) {
    return BadRequest("the request target's authority is not a valid host[:port]");
  }
  std::string path(path_start == std::string_view::npos ? "" : rest.substr(path_start));
  if (path.empty() || path.front() == '?') path.insert(0, "/");
  out->target = std::move(path);
  out->host = std::string(authority);  // the target's authority overrides Host (§3.2.2)
  return std::nullopt;
}

}  // namespace

RequestHeadVerdict CheckRequestHead(const RequestHead& head) {
  if (head.version / 10 != 1) {
    return Refuse(505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are served");
  }
  if (auto refused = CheckTransferEncoding(head)) return std::move(*refused);
  RequestHeadVerdict verdict;
  if (auto refused = CheckHost(head, &verdict.host)) return std::move(*refused);
  if (auto refused = CheckTarget(head, &verdict)) return std::move(*refused);
  return verdict;
}

}  // namespace storybot::http
