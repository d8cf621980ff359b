// Callback safety: address classes, allowlists and URL parsing.
#include "channels/webhook/ssrf.h"

#include <gtest/gtest.h>

#include "channels/webhook/callback_client.h"

namespace storybot::webhook {
namespace {

AddressClass ClassOf(std::string_view ip) { return Classify(ParseIp(ip).value()); }

TEST(WebhookSsrfTest, ClassifiesAddresses) {
  EXPECT_EQ(ClassOf("127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("127.255.0.9"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("::1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassOf("10.1.2.3"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.16.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.31.255.255"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("172.32.0.1"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("192.168.1.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("100.64.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("fc00::1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("fd12:3456::1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("fe80::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("febf::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassOf("0.0.0.0"), AddressClass::kUnspecified);
  EXPECT_EQ(ClassOf("::"), AddressClass::kUnspecified);
  EXPECT_EQ(ClassOf("224.0.0.1"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("255.255.255.255"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("ff02::1"), AddressClass::kReserved);
  EXPECT_EQ(ClassOf("::ffff:127.0.0.1"), AddressClass::kLoopback);  // IPv4-mapped
  EXPECT_EQ(ClassOf("::ffff:10.0.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(ClassOf("8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(ClassOf("2606:4700::1111"), AddressClass::kPublic);
  EXPECT_FALSE(ParseIp("127.1").has_value());  // only strict dotted quads
  EXPECT_FALSE(ParseIp("example.com").has_value());
}

TEST(WebhookSsrfTest, AllowlistNamesHostsAddressesAndBlocks) {
  auto list = ParseAllowlist({"127.0.0.1", "10.0.0.0/8", "hooks.internal", "fd00::/8"});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(CheckAddress(*ParseIp("127.0.0.1"), "127.0.0.1", list.value()).ok());
  EXPECT_FALSE(CheckAddress(*ParseIp("127.0.0.2"), "127.0.0.2", list.value()).ok());
  EXPECT_TRUE(CheckAddress(*ParseIp("10.9.8.7"), "x.example", list.value()).ok());
  EXPECT_TRUE(CheckAddress(*ParseIp("192.168.1.1"), "HOOKS.internal", list.value()).ok());
  EXPECT_TRUE(CheckAddress(*ParseIp("fd00::5"), "v6.example", list.value()).ok());
  EXPECT_FALSE(CheckAddress(*ParseIp("169.254.169.254"), "meta", list.value()).ok());
  EXPECT_TRUE(CheckAddress(*ParseIp("8.8.8.8"), "dns.google", {}).ok());  // public: always
  Status refused = CheckAddress(*ParseIp("127.0.0.1"), "localhost", {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("loopback"), std::string::npos);

  EXPECT_FALSE(ParseAllowlist({"10.0.0.0/33"}).ok());
  EXPECT_FALSE(ParseAllowlist({"not a host"}).ok());
  EXPECT_FALSE(ParseAllowlist({"host/8"}).ok());
  EXPECT_FALSE(ParseAllowlist(std::vector<std::string>(33, "a.example")).ok());
}

TEST(WebhookSsrfTest, ParsesCallbackUrls) {
  auto u = ParseCallbackUrl("https://Hooks.Example.com/story?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.value().host, "hooks.example.com");
  EXPECT_EQ(u.value().port, 443);
  EXPECT_FALSE(u.value().literal.has_value());
  auto v4 = ParseCallbackUrl("http://127.0.0.1:8081/cb");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4.value().port, 8081);
  ASSERT_TRUE(v4.value().literal.has_value());
  auto v6 = ParseCallbackUrl("http://[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6.value().host, "::1");

  for (const char* bad :
       {"ftp://example.com/", "file:///etc/passwd", "gopher://x", "example.com",
        "http://user:pw@example.com/", "http://exa mple.com/", "http://example.com:0/",
        "http://example.com:99999/", "http://[::1/", "http:///path", "http://example.com:/"}) {
    EXPECT_FALSE(ParseCallbackUrl(bad).ok()) << bad;
  }
}

TEST(WebhookSsrfTest, CallbackClientRefusesBeforeConnecting) {
  CallbackCall call;
  call.url = "http://127.0.0.1:1/cb";
  EXPECT_EQ(PostCallback(call).outcome, CallbackOutcome::kRefused);
  call.url = "http://localhost:1/cb";  // resolved, then refused: never connected
  EXPECT_EQ(PostCallback(call).outcome, CallbackOutcome::kRefused);
  call.url = "ftp://example.com/";
  EXPECT_EQ(PostCallback(call).outcome, CallbackOutcome::kRefused);
}

TEST(WebhookSsrfTest, StatusesMapToOutcomes) {
  EXPECT_EQ(OutcomeForStatus(200), CallbackOutcome::kDelivered);
  EXPECT_EQ(OutcomeForStatus(204), CallbackOutcome::kDelivered);
  EXPECT_EQ(OutcomeForStatus(410), CallbackOutcome::kGone);
  EXPECT_EQ(OutcomeForStatus(429), CallbackOutcome::kRetry);
  EXPECT_EQ(OutcomeForStatus(408), CallbackOutcome::kRetry);
  EXPECT_EQ(OutcomeForStatus(500), CallbackOutcome::kRetry);
  EXPECT_EQ(OutcomeForStatus(503), CallbackOutcome::kRetry);
  EXPECT_EQ(OutcomeForStatus(404), CallbackOutcome::kFailed);
  EXPECT_EQ(OutcomeForStatus(301), CallbackOutcome::kFailed);
}

}  // namespace
}  // namespace storybot::webhook
