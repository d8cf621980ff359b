#include "channels/webhook/ssrf.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace storybot::webhook {
namespace {

bool InPrefix(const std::uint8_t* address, const std::uint8_t* network, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const int byte = bit / 8;
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((address[byte] & mask) != (network[byte] & mask)) return false;
  }
  return true;
}

AddressClass ClassifyV4(const std::uint8_t* a) {
  if (a[0] == 127) return AddressClass::kLoopback;
  if (a[0] == 0) return AddressClass::kUnspecified;
  if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
      (a[0] == 100 && (a[1] & 0xC0) == 64)) {
    return AddressClass::kPrivate;
  }
  if (a[0] == 169 && a[1] == 254) return AddressClass::kLinkLocal;
  if (a[0] >= 224) return AddressClass::kReserved;  // multicast, reserved, broadcast
  return AddressClass::kPublic;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
    return false;
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  });
}

}  // namespace

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof(text));
  return text;
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

AddressClass Classify(const IpAddress& address) {
  const std::uint8_t* a = address.bytes.data();
  if (!address.v6) return ClassifyV4(a);
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::equal(a, a + 12, kMapped)) return ClassifyV4(a + 12);
  const bool zero_head = std::all_of(a, a + 15, [](std::uint8_t b) { return b == 0; });
  if (zero_head && a[15] == 1) return AddressClass::kLoopback;
  if (zero_head && a[15] == 0) return AddressClass::kUnspecified;
  if ((a[0] & 0xFE) == 0xFC) return AddressClass::kPrivate;                    // fc00::/7
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return AddressClass::kLinkLocal;  // fe80::/10
  if (a[0] == 0xFF) return AddressClass::kReserved;                            // multicast
  return AddressClass::kPublic;
}

std::string_view AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

Result<AllowEntry> ParseAllowEntry(std::string_view text) {
  AllowEntry entry;
  const std::size_t slash = text.find('/');
  if (auto ip = ParseIp(text.substr(0, slash))) {
    entry.network = *ip;
    entry.prefix = ip->v6 ? 128 : 32;
    if (slash != std::string_view::npos) {
      const std::string_view bits = text.substr(slash + 1);
      int prefix = -1;
      const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      if (ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 ||
          prefix > entry.prefix) {
        return InvalidArgument("'" + std::string(text) + "' has a bad prefix length");
      }
      entry.prefix = prefix;
    }
    return entry;
  }
  if (slash == std::string_view::npos && IsHostName(text)) {
    entry.host = Lower(text);
    return entry;
  }
  return InvalidArgument("'" + std::string(text) + "' is not a host name, address or CIDR block");
}

Result<std::vector<AllowEntry>> ParseAllowlist(const std::vector<std::string>& entries) {
  if (entries.size() > 32) return InvalidArgument("at most 32 entries");
  std::vector<AllowEntry> out;
  for (const std::string& e : entries) {
    auto entry = ParseAllowEntry(e);
    if (!entry.ok()) return entry.error();
    out.push_back(std::move(entry).value());
  }
  return out;
}

Result<CallbackUrl> ParseCallbackUrl(std::string_view url) {
  if (url.size() > 2048) return InvalidArgument("at most 2048 characters");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7F) {
      return InvalidArgument("must not hold spaces or control characters");
    }
  }
  CallbackUrl out;
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) return InvalidArgument("must be an http(s) URL");
  out.scheme = Lower(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https") {
    return InvalidArgument("only http and https are allowed");
  }
  std::string_view rest = url.substr(colon + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("must not carry user info");
  }
  std::string_view host;
  std::string_view port;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("bad IPv6 host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) return InvalidArgument("bad port");
    if (!after.empty()) port = after.substr(1);
    out.literal = ParseIp(host);
    if (!out.literal || !out.literal->v6) return InvalidArgument("bad IPv6 host");
  } else {
    const std::size_t port_colon = authority.find(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) port = authority.substr(port_colon + 1);
    if (!IsHostName(host)) return InvalidArgument("bad host");
    out.literal = ParseIp(host);
  }
  out.host = Lower(host);
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port.empty() || authority.ends_with(":")) {
    int p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p < 1 ||
        p > 65535) {
      return InvalidArgument("bad port");
    }
    out.port = p;
  }
  return out;
}

Status CheckAddress(const IpAddress& address, std::string_view url_host,
                    const std::vector<AllowEntry>& allowlist) {
  const AddressClass c = Classify(address);
  if (c == AddressClass::kPublic) return {};
  const std::string host = Lower(url_host);
  for (const AllowEntry& e : allowlist) {
    if (!e.host.empty() && e.host == host) return {};
    if (e.network && e.network->v6 == address.v6 &&
        InPrefix(address.bytes.data(), e.network->bytes.data(), e.prefix)) {
      return {};
    }
  }
  return InvalidArgument(std::string(url_host) + " resolves to a " +
                         std::string(AddressClassName(c)) + " address (" + address.ToString() +
                         ") that the integration's callback_allowlist does not name");
}

}  // namespace storybot::webhook
