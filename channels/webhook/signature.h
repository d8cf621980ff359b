#pragma once
// Standard Webhooks signatures (spec/standard-webhooks.md, symmetric "v1" scheme): HMAC-SHA256
// over "{webhook-id}.{webhook-timestamp}.{body}", keyed with the base64-decoded part of a
// "whsec_…" secret, sent as space-separated "v1,<base64>" entries in `webhook-signature`.
// Pure functions: no clock (callers pass `now`), no I/O. Thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot::webhook {

inline constexpr std::string_view kSecretPrefix = "whsec_";
inline constexpr std::int64_t kDefaultToleranceS = 5 * 60;

std::string Base64Encode(std::string_view bytes);
// Strict standard base64 (with padding); an error for anything else.
Result<std::string> Base64Decode(std::string_view text);

// A new secret: "whsec_" + base64 of `bytes` (24..64) random bytes from the OS CSPRNG.
std::string GenerateSecret(std::size_t bytes = 32);
// The HMAC key of a "whsec_…" secret (the prefix is optional, as in the reference libraries).
Result<std::string> SecretKey(std::string_view secret);

// "v1,<base64 HMAC-SHA256>" of `id.timestamp.body` under `key` (raw bytes, see SecretKey).
std::string Sign(std::string_view key, std::string_view id, std::int64_t timestamp,
                 std::string_view body);
// The `webhook-signature` value for several keys (during a rotation): space-separated.
std::string SignAll(const std::vector<std::string>& keys, std::string_view id,
                    std::int64_t timestamp, std::string_view body);

struct SignedHeaders {
  std::string_view id;         // webhook-id
  std::string_view timestamp;  // webhook-timestamp
  std::string_view signature;  // webhook-signature
};

// Checks the headers of a signed request against every key in `keys`: ids are 1..256 printable
// ASCII characters without spaces, the timestamp is whole seconds within `tolerance_s` of `now`
// (both directions), and at least one "v1," entry matches one key (compared in constant time).
// Errors are kUnauthenticated with a message safe to return to the caller.
Status Verify(const std::vector<std::string>& keys, const SignedHeaders& headers,
              std::string_view body, std::int64_t now,
              std::int64_t tolerance_s = kDefaultToleranceS);

}  // namespace storybot::webhook
