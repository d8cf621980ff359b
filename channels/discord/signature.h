#pragma once
// Discord request signing ("Security and Authorization" of interactions): every request carries
// X-Signature-Ed25519 = hex Ed25519 signature over X-Signature-Timestamp + the raw body, made
// with the application's key; the Developer Portal shows its public key as hex. The verifier
// reads the time from a Clock (core/clock.h) so tests can move it past the replay window.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace storybot::discord {

// How far a request's timestamp may be from now, either way (replay protection).
inline constexpr std::int64_t kMaxClockSkewSeconds = 5 * 60;

// Decodes hex (either case); nullopt for an odd length or a non-hex digit.
std::optional<std::vector<unsigned char>> DecodeHex(std::string_view hex);

// Immutable after construction; thread-safe. `clock` must outlive the verifier.
class SignatureVerifier {
 public:
  // `public_key_hex`: 64 hex digits (checked by the settings); another value refuses every
  // request.
  explicit SignatureVerifier(std::string_view public_key_hex, const Clock& clock = Clock::Real());

  // kUnauthenticated with a reason fit for the 401 body when a header is missing, the timestamp
  // is not a number or more than 5 minutes from now, or the signature is not valid for
  // timestamp + `body` exactly as received.
  Status Verify(std::string_view timestamp, std::string_view signature_hex,
                std::string_view body) const;

 private:
  std::optional<std::array<unsigned char, 32>> key_;
  const Clock& clock_;
};

}  // namespace storybot::discord
