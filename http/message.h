#pragma once
// Plain request/response values shared by the router, middleware and handlers. No Beast here:
// only http/server.cpp knows the wire format.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace storybot::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; empty when absent.
std::string_view FindHeader(const Headers& headers, std::string_view name);

struct Request {
  std::string method;  // "GET", upper case as received
  std::string target;  // raw request target, e.g. /api/prompts?limit=5
  std::string path;    // target without the query
  std::string query;   // after '?', raw
  Headers headers;
  std::string body;
  std::string remote_ip;

  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
  // Value of `name` in the query string, percent-decoded; empty when absent.
  std::string QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // Replaces any earlier value of the header.
  void Set(std::string_view name, std::string value);
  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
};

// `body` is already serialised JSON.
Response JsonResponse(int status, std::string body);

// Percent-decoding for paths and query values ("+" is a space only in queries).
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace storybot::http
