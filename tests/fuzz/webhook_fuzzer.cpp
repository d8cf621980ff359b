// The generic webhook surfaces: the Standard Webhooks verifier (webhook-id, webhook-timestamp,
// webhook-signature and the raw body as received), secret decoding, and the inbound body
// validation of POST /webhooks/{integration}. The input is split on the first three "\n":
// id, timestamp, signature, body.
//
// Oracles besides the sanitizers: base64 round-trips, our own signature over the input verifies
// and fails for a changed body, and an accepted body keeps the documented limits.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "channels/webhook/inbound.h"
#include "channels/webhook/signature.h"
#include "core/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace storybot;
using fuzz::Check;
using fuzz::TakeLine;

constexpr std::int64_t kNow = 1700000000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string_view id = TakeLine(in);
  const std::string_view timestamp = TakeLine(in);
  const std::string_view signature = TakeLine(in);
  const std::string_view body = in;

  // The spec's example secret, plus one taken from the input when it decodes (rotation: two keys).
  std::vector<std::string> keys = {
      webhook::SecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value()};
  if (auto key = webhook::SecretKey(signature); key.ok()) keys.push_back(key.value());
  (void)webhook::Verify(keys, {id, timestamp, signature}, body, kNow);

  // The empty string is refused on purpose (an empty secret is never a key), so not round-tripped.
  if (!body.empty()) {
    auto decoded = webhook::Base64Decode(webhook::Base64Encode(body));
    Check(decoded.ok() && decoded.value() == body, "base64 does not round-trip");
  }
  (void)webhook::Base64Decode(body);

  const std::string ts = std::to_string(kNow);
  const std::string good_id = "msg_fuzz";
  const std::string good = webhook::SignAll(keys, good_id, kNow, body);
  Check(webhook::Verify(keys, {good_id, ts, good}, body, kNow).ok(),
        "a correct signature was refused");
  Check(!webhook::Verify(keys, {good_id, ts, good}, std::string(body) + "x", kNow).ok(),
        "a changed body was accepted");

  auto request = webhook::ParseInboundRequest(body);
  if (request.ok()) {
    const webhook::InboundRequest& r = request.value();
    Check(!r.user_id.empty() && !r.text.empty(), "an accepted body without user_id or text");
    Check(utf8::IsValid(r.text) && utf8::IsValid(r.user_id), "accepted text that is not UTF-8");
    Check(utf8::CodePointCount(r.text) <= 4000, "accepted text over 4,000 characters");
    Check(r.variables.size() <= 32, "more than 32 variables accepted");
    Check(!r.prompt_id || *r.prompt_id >= 1, "a prompt_id below 1 accepted");
  }
  return 0;
}
