#include "core/safety/moderation_api.h"

#include <algorithm>
#include <boost/json.hpp>

namespace storybot {

Result<ModerationAnswer> ParseModerationAnswer(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  const boost::json::object* root = ec ? nullptr : parsed.if_object();
  const boost::json::array* results =
      root != nullptr && root->contains("results") ? root->at("results").if_array() : nullptr;
  const boost::json::object* first =
      results != nullptr && !results->empty() ? results->front().if_object() : nullptr;
  const bool* flagged =
      first != nullptr && first->contains("flagged") ? first->at("flagged").if_bool() : nullptr;
  if (flagged == nullptr) return Unavailable("moderation answer without results[0].flagged");
  ModerationAnswer answer;
  answer.flagged = *flagged;
  if (const auto* categories = first->if_contains("categories")) {
    if (const auto* object = categories->if_object()) {
      for (const auto& [name, value] : *object) {
        if (value.is_bool() && value.as_bool()) answer.categories.emplace_back(name);
      }
    }
  }
  std::sort(answer.categories.begin(), answer.categories.end());
  return answer;
}

Result<ModerationAnswer> ModerationApi::Check(const std::string& text,
                                              const std::string& trace_id) const {
  HttpCall call;
  call.url = options_.base_url + "/moderations";
  call.headers = {{"Content-Type", "application/json"}};
  if (!options_.api_key.empty())
    call.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  if (!trace_id.empty()) call.headers.emplace_back("X-Trace-Id", trace_id);
  call.body = boost::json::serialize(boost::json::object{{"input", text}});
  call.timeout_ms = options_.timeout_ms;
  call.connect_timeout_ms = std::min<long>(call.connect_timeout_ms, options_.timeout_ms);
  const HttpCallResult result = transport_.Call(call);
  if (result.status == 0) {
    return Unavailable(result.timed_out ? "moderation service timed out"
                                        : "moderation service unreachable: " + result.error);
  }
  if (result.status < 200 || result.status > 299) {
    return Unavailable("moderation service answered " + std::to_string(result.status));
  }
  return ParseModerationAnswer(result.body);
}

}  // namespace storybot
