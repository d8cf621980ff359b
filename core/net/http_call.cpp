#include "core/net/http_call.h"

#include "core/net/curl_easy.h"

namespace storybot {

HttpCallResult Perform(const HttpCall& call) {
  net::CurlEasy easy(call);
  if (easy.handle() == nullptr) {
    HttpCallResult result;
    result.error = "cannot create an HTTP client";
    return result;
  }
  return easy.Finish(curl_easy_perform(easy.handle()));
}

}  // namespace storybot
