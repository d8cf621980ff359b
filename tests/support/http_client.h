#pragma once
// A tiny blocking HTTP client for tests (libcurl): one request, the whole response.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace storybot::test {

struct HttpResult {
  long status = 0;                             // 0: no response (connection failed)
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
  std::string error;  // curl's message when status == 0
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

HttpResult Fetch(const std::string& method, const std::string& url, const HeaderList& headers = {},
                 const std::string& body = "", long timeout_ms = 10000);

}  // namespace storybot::test
