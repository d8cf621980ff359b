#include "channels/webhook/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>

#include "core/secrets.h"

namespace storybot::webhook {
namespace {

Error Unauthenticated(std::string message) {
  return {ErrorCode::kUnauthenticated, std::move(message)};
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return InvalidArgument("not base64");
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      // Padding only at the end, at most two.
      if (i + 2 < text.size()) return InvalidArgument("not base64");
      ++padding;
    } else if (!IsBase64Char(c) || padding > 0) {
      return InvalidArgument("not base64");
    }
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return InvalidArgument("not base64");
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string GenerateSecret(std::size_t bytes) {
  if (bytes < 24) bytes = 24;
  if (bytes > 64) bytes = 64;
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the OS random generator failed");  // cannot continue safely
  }
  return std::string(kSecretPrefix) + Base64Encode(raw);
}

Result<std::string> SecretKey(std::string_view secret) {
  if (secret.starts_with(kSecretPrefix)) secret.remove_prefix(kSecretPrefix.size());
  auto key = Base64Decode(secret);
  if (!key.ok()) return InvalidArgument("secret: must be whsec_ followed by base64");
  return key;
}

std::string Sign(std::string_view key, std::string_view id, std::int64_t timestamp,
                 std::string_view body) {
  std::string content;
  const std::string ts = std::to_string(timestamp);
  content.reserve(id.size() + ts.size() + body.size() + 2);
  content.append(id).append(".").append(ts).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_size);
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
}

std::string SignAll(const std::vector<std::string>& keys, std::string_view id,
                    std::int64_t timestamp, std::string_view body) {
  std::string out;
  for (const std::string& key : keys) {
    if (!out.empty()) out += ' ';
    out += Sign(key, id, timestamp, body);
  }
  return out;
}

Status Verify(const std::vector<std::string>& keys, const SignedHeaders& headers,
              std::string_view body, std::int64_t now, std::int64_t tolerance_s) {
  if (headers.id.empty() || headers.timestamp.empty() || headers.signature.empty()) {
    return Unauthenticated("missing webhook-id, webhook-timestamp or webhook-signature header");
  }
  if (headers.id.size() > 256) return Unauthenticated("webhook-id: at most 256 characters");
  for (char c : headers.id) {
    if (c <= ' ' || c > '~') return Unauthenticated("webhook-id: printable ASCII without spaces");
  }
  std::int64_t timestamp = 0;
  const char* ts_end = headers.timestamp.data() + headers.timestamp.size();
  const auto [end, ec] = std::from_chars(headers.timestamp.data(), ts_end, timestamp);
  if (ec != std::errc() || end != ts_end || headers.timestamp.front() == '-' ||
      headers.timestamp.front() == '+') {
    return Unauthenticated("webhook-timestamp: must be whole seconds since the epoch");
  }
  if (timestamp < now - tolerance_s) return Unauthenticated("webhook-timestamp: too old");
  if (timestamp > now + tolerance_s) return Unauthenticated("webhook-timestamp: in the future");

  bool matched = false;
  std::string_view rest = headers.signature;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    const std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (!entry.starts_with("v1,")) continue;  // other schemes (v1a) are not ours to check
    for (const std::string& key : keys) {
      // Every key is tried for every entry (no early exit) so timing says nothing about which.
      matched |= ConstantTimeEquals(entry, Sign(key, headers.id, timestamp, body));
    }
  }
  if (!matched) return Unauthenticated("webhook-signature: no valid signature");
  return {};
}

}  // namespace storybot::webhook
