#pragma once
// What the sender needs to answer an interaction, carried in the delivery's reply_context JSON
// (stored with the delivery, so a reply resumes after a restart): the application id and the
// interaction token address the response webhook; the token expires 15 minutes after the
// interaction. The token is a credential: it goes only into the request URL, never into a log
// line or an error.
#include <cstdint>
#include <string>
#include <string_view>

namespace storybot::discord {

// Discord accepts edits and follow-ups with an interaction token for 15 minutes.
inline constexpr std::int64_t kTokenLifetimeMs = 15 * 60 * 1000;

struct ReplyContext {
  std::string application_id;
  std::string token;
  std::string interaction_id;
  std::int64_t expires_unix_ms = 0;  // after this the token is refused: give up
};

std::string EncodeReplyContext(const ReplyContext& context);
// Empty fields (0) for what is missing; a context that is not JSON gives an empty one.
ReplyContext DecodeReplyContext(std::string_view json);

}  // namespace storybot::discord
