#include "channels/slack/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "core/secrets.h"

namespace storybot::slack {
namespace {

Error Unauthenticated(std::string message) {
  return {ErrorCode::kUnauthenticated, std::move(message)};
}

}  // namespace

std::string ComputeSignature(std::string_view signing_secret, std::string_view timestamp,
                             std::string_view body) {
  std::string base;
  base.reserve(4 + timestamp.size() + body.size());
  base.append("v0:").append(timestamp).append(":").append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), signing_secret.data(), static_cast<int>(signing_secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

Status SignatureVerifier::Verify(std::string_view timestamp, std::string_view signature,
                                 std::string_view body) const {
  if (timestamp.empty() || signature.empty()) {
    return Unauthenticated("missing X-Slack-Request-Timestamp or X-Slack-Signature");
  }
  std::int64_t sent = 0;
  const auto [end, ec] =
      std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), sent);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return Unauthenticated("X-Slack-Request-Timestamp is not a number");
  }
  const std::int64_t now = clock_.UnixSeconds();
  // Written as two comparisons so that a huge timestamp cannot overflow a subtraction.
  if (sent < now - kMaxClockSkewSeconds || sent > now + kMaxClockSkewSeconds) {
    return Unauthenticated("X-Slack-Request-Timestamp is more than 5 minutes from now");
  }
  if (!ConstantTimeEquals(ComputeSignature(secret_, timestamp, body), signature)) {
    return Unauthenticated("X-Slack-Signature does not match");
  }
  return {};
}

}  // namespace storybot::slack
