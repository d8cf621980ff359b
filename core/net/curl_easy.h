#pragma once
// One libcurl easy handle set up from an HttpCall and read back into an HttpCallResult: shared by
// the blocking Perform() (core/net/http_call.cpp) and the multi loop of the real transport
// (core/net/http_transport.cpp), so both honour the same options. Not thread-safe; one call.
#include <curl/curl.h>

#include "core/net/http_call.h"

namespace storybot::net {

class CurlEasy {
 public:
  // `call` is copied: the handle points into the copy's body and headers.
  explicit CurlEasy(HttpCall call);
  ~CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* handle() const { return curl_; }  // null when libcurl could not make one
  // The answer once the transfer ended with `code`.
  HttpCallResult Finish(CURLcode code);

 private:
  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user);
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user);
  static int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

  HttpCall call_;
  HttpCallResult result_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  curl_slist* resolve_ = nullptr;
  bool overflow_ = false;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace storybot::net
