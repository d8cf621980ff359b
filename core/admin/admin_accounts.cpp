#include "core/admin/admin_accounts.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

namespace storybot {

const char* AdminRoleName(AdminRole role) {
  return role == AdminRole::kEditor ? "editor" : "viewer";
}

std::optional<AdminRole> ParseAdminRole(std::string_view name) {
  if (name == "editor") return AdminRole::kEditor;
  if (name == "viewer") return AdminRole::kViewer;
  return std::nullopt;
}

Status ValidateAdminName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return InvalidArgument("admin name: must be 1-64 characters");
  }
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(name.front())) {
    return InvalidArgument("admin name: must start with a lowercase letter or a digit");
  }
  for (char c : name) {
    if (!lower_or_digit(c) && c != '_' && c != '.' && c != '-') {
      return InvalidArgument("admin name: only a-z, 0-9, '_', '.' and '-' are allowed");
    }
  }
  if (name == kBootstrapAdminName) {
    return InvalidArgument("admin name: 'bootstrap' is reserved for the bootstrap token");
  }
  return {};
}

std::string NewAdminToken() {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the OS random generator failed");  // cannot continue safely
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "sbadm_";
  std::uint32_t bits = 0;
  int held = 0;
  for (unsigned char byte : raw) {
    bits = (bits << 8) | byte;
    held += 8;
    while (held >= 6) {
      held -= 6;
      out += kAlphabet[(bits >> held) & 0x3F];
    }
  }
  if (held > 0) out += kAlphabet[(bits << (6 - held)) & 0x3F];
  return out;
}

std::string HashAdminToken(std::string_view token) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace storybot
