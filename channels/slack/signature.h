#pragma once
// Slack request signing ("Verifying requests from Slack"): every request carries
// X-Slack-Request-Timestamp and X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret,
// "v0:" + timestamp + ":" + raw body). Pure functions plus a small verifier that reads the time
// from a Clock (core/clock.h), so tests can replay Slack's documented example from 2018.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace storybot::slack {

// "v0=" + 64 lowercase hex digits.
std::string ComputeSignature(std::string_view signing_secret, std::string_view timestamp,
                             std::string_view body);

// How far a request's timestamp may be from now, either way (replay protection).
inline constexpr std::int64_t kMaxClockSkewSeconds = 5 * 60;

// Immutable after construction; thread-safe. `clock` must outlive the verifier.
class SignatureVerifier {
 public:
  explicit SignatureVerifier(std::string signing_secret, const Clock& clock = Clock::Real())
      : secret_(std::move(signing_secret)), clock_(clock) {}

  // kUnauthenticated with a reason fit for the 401 body (never the expected signature) when a
  // header is missing, the timestamp is not a number or too far from now, or the signature does
  // not match the raw `body` exactly as received. The comparison is constant-time.
  Status Verify(std::string_view timestamp, std::string_view signature,
                std::string_view body) const;

 private:
  std::string secret_;
  const Clock& clock_;
};

}  // namespace storybot::slack
