#pragma once
// An Ed25519 key pair made with OpenSSL for tests that play Discord: it signs interactions as
// Discord does (hex signature over timestamp + body), and its public key, as hex, is what
// STORYBOT_DISCORD_PUBLIC_KEY holds.
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace storybot::test {

class Ed25519Key {
 public:
  Ed25519Key() {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* key = nullptr;
    if (ctx && EVP_PKEY_keygen_init(ctx.get()) == 1) EVP_PKEY_keygen(ctx.get(), &key);
    key_.reset(key);
  }

  // 64 lowercase hex digits.
  std::string PublicKeyHex() const {
    unsigned char raw[32];
    std::size_t length = sizeof raw;
    if (!key_ || EVP_PKEY_get_raw_public_key(key_.get(), raw, &length) != 1) return {};
    return Hex(raw, length);
  }

  // 128 lowercase hex digits: the X-Signature-Ed25519 of `timestamp` + `body`.
  std::string Sign(std::string_view timestamp, std::string_view body) const {
    const std::string message = std::string(timestamp) + std::string(body);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char signature[64];
    std::size_t length = sizeof signature;
    if (!key_ || !ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), signature, &length,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
      return {};
    }
    return Hex(signature, length);
  }

 private:
  static std::string Hex(const unsigned char* bytes, std::size_t length) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < length; ++i) {
      out += kDigits[bytes[i] >> 4];
      out += kDigits[bytes[i] & 0x0f];
    }
    return out;
  }

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_{nullptr, EVP_PKEY_free};
};

}  // namespace storybot::test
