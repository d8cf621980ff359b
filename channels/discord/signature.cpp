#include "channels/discord/signature.h"

#include <openssl/evp.h>

#include <charconv>
#include <memory>

namespace storybot::discord {
namespace {

Error Unauthenticated(std::string message) {
  return {ErrorCode::kUnauthenticated, std::move(message)};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// OpenSSL's Ed25519 verification (RFC 8032); its running time does not depend on the secret.
bool Ed25519Verify(const std::array<unsigned char, 32>& key,
                   const std::vector<unsigned char>& signature, std::string_view message) {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace

std::optional<std::vector<unsigned char>> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = HexValue(hex[i]);
    const int low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return bytes;
}

SignatureVerifier::SignatureVerifier(std::string_view public_key_hex, const Clock& clock)
    : clock_(clock) {
  const auto bytes = DecodeHex(public_key_hex);
  if (bytes && bytes->size() == 32) {
    key_.emplace();
    std::copy(bytes->begin(), bytes->end(), key_->begin());
  }
}

Status SignatureVerifier::Verify(std::string_view timestamp, std::string_view signature_hex,
                                 std::string_view body) const {
  if (timestamp.empty() || signature_hex.empty()) {
    return Unauthenticated("missing X-Signature-Timestamp or X-Signature-Ed25519");
  }
  std::int64_t sent = 0;
  const auto [end, ec] =
      std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), sent);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return Unauthenticated("X-Signature-Timestamp is not a number");
  }
  const std::int64_t now = clock_.UnixSeconds();
  // Two comparisons, so that a huge timestamp cannot overflow a subtraction.
  if (sent < now - kMaxClockSkewSeconds || sent > now + kMaxClockSkewSeconds) {
    return Unauthenticated("X-Signature-Timestamp is more than 5 minutes from now");
  }
  const auto signature = DecodeHex(signature_hex);
  if (!signature || signature->size() != 64) {
    return Unauthenticated("X-Signature-Ed25519 is not 128 hex digits");
  }
  std::string message;
  message.reserve(timestamp.size() + body.size());
  message.append(timestamp).append(body);
  if (!key_ || !Ed25519Verify(*key_, *signature, message)) {
    return Unauthenticated("X-Signature-Ed25519 does not match");
  }
  return {};
}

}  // namespace storybot::discord
