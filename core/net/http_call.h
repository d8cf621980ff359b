#pragma once
// One outbound HTTP request with libcurl, blocking: for channel senders that already run on
// their own worker threads (Telegram, Slack, webhook callbacks). Never follows redirects, caps
// the response body, and has connect and total deadlines.
#include <atomic>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace storybot {

struct HttpCall {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long connect_timeout_ms = 5000;
  long timeout_ms = 30000;
  std::size_t max_response_bytes = 1 << 20;
  const std::atomic<bool>* cancel = nullptr;  // set to true: the call ends within ~100 ms
};

struct HttpCallResult {
  long status = 0;                             // 0: no HTTP answer (see error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // transport error; never holds the URL (it may carry a token)
  bool timed_out = false;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

HttpCallResult Perform(const HttpCall& call);

}  // namespace storybot
