#pragma once
// Callback safety (SSRF): which URLs and addresses storybot may call back. Pure functions over
// parsed values; the DNS lookup and the pinned call live in callback_client.h. Thread-safe.
//
// Refused unless an integration's allowlist names them: loopback (127/8, ::1), private
// (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16, fe80::/10),
// unspecified (0/8, ::) and multicast/reserved (224/3, ff00::/8). IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d) are judged as the IPv4 address inside them.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot::webhook {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  std::string ToString() const;
};

// Dotted-quad IPv4 or IPv6 text (no brackets, no zone); nullopt otherwise.
std::optional<IpAddress> ParseIp(std::string_view text);

enum class AddressClass { kPublic, kLoopback, kPrivate, kLinkLocal, kUnspecified, kReserved };
AddressClass Classify(const IpAddress& address);
std::string_view AddressClassName(AddressClass c);

// One allowlist entry: a host name (matched exactly, case-insensitively), an IP address, or a
// CIDR block ("10.0.0.0/8", "fd00::/8").
struct AllowEntry {
  std::string host;                  // set for host names
  std::optional<IpAddress> network;  // set for addresses and blocks
  int prefix = 0;
};
Result<AllowEntry> ParseAllowEntry(std::string_view text);
// The whole list, validated: the error names the bad entry (at most 32 entries).
Result<std::vector<AllowEntry>> ParseAllowlist(const std::vector<std::string>& entries);

struct CallbackUrl {
  std::string scheme;                // "http" or "https"
  std::string host;                  // lower case; IPv6 without brackets
  int port = 0;                      // explicit or the scheme's default
  std::optional<IpAddress> literal;  // the host is an IP address
};
// http(s) only, no user info, a host of [A-Za-z0-9.-] or a bracketed IPv6 address, an optional
// port, at most 2,048 characters without spaces or control characters.
Result<CallbackUrl> ParseCallbackUrl(std::string_view url);

// OK when `address` (one of `url_host`'s addresses) may be called: public, or named by the
// allowlist (the host name itself, or an address/block holding the address).
Status CheckAddress(const IpAddress& address, std::string_view url_host,
                    const std::vector<AllowEntry>& allowlist);

}  // namespace storybot::webhook
