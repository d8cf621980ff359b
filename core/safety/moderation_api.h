#pragma once
// An OpenAI-compatible moderation endpoint: POST {base}/moderations with {"input": text},
// answered {"results": [{"flagged": bool, "categories": {"violence": true, ...}}]}. Through the
// one outbound HTTP interface (core/net/http_transport.h), blocking: call it from a worker thread.
#include <string>
#include <vector>

#include "core/net/http_transport.h"
#include "core/result.h"

namespace storybot {

struct ModerationApiOptions {
  std::string base_url;  // e.g. https://api.openai.com/v1
  std::string api_key;   // sent as a bearer token when not empty
  long timeout_ms = 10000;
};

struct ModerationAnswer {
  bool flagged = false;
  std::vector<std::string> categories;  // the categories marked true, sorted
};

class ModerationApi {
 public:
  ModerationApi(ModerationApiOptions options, HttpTransport& transport)
      : options_(std::move(options)), transport_(transport) {}
  // Unavailable when the service does not answer 2xx with the documented shape in time.
  Result<ModerationAnswer> Check(const std::string& text, const std::string& trace_id) const;

 private:
  ModerationApiOptions options_;
  HttpTransport& transport_;
};

// The answer's body parsed (exposed for unit tests).
Result<ModerationAnswer> ParseModerationAnswer(std::string_view body);

}  // namespace storybot
