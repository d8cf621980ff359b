// Discord's Ed25519 request signatures (channels/discord/signature.cpp), checked against a key
// pair each test generates with OpenSSL, on a fake clock.
#include "channels/discord/signature.h"

#include <gtest/gtest.h>

#include "tests/support/ed25519_key.h"
#include "tests/support/fake_clock.h"

namespace storybot::discord {
namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr const char* kBody =
    R"({"type":2,"id":"1","token":"t","application_id":"9","data":{"name":"story"}})";

class DiscordSignatureTest : public ::testing::Test {
 protected:
  test::FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(kNow))};
  test::Ed25519Key key_;
  SignatureVerifier verifier_{key_.PublicKeyHex(), clock_};
  const std::string timestamp_ = std::to_string(kNow);
};

TEST_F(DiscordSignatureTest, AcceptsASignatureOfTimestampAndBody) {
  ASSERT_EQ(key_.PublicKeyHex().size(), 64u);
  const std::string signature = key_.Sign(timestamp_, kBody);
  ASSERT_EQ(signature.size(), 128u);
  EXPECT_TRUE(verifier_.Verify(timestamp_, signature, kBody).ok());
  // Hex digits in upper case are the same signature.
  std::string upper = signature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verifier_.Verify(timestamp_, upper, kBody).ok());
}

TEST_F(DiscordSignatureTest, RefusesAForgedSignature) {
  std::string forged = key_.Sign(timestamp_, kBody);
  forged[10] = forged[10] == '0' ? '1' : '0';
  const Status status = verifier_.Verify(timestamp_, forged, kBody);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(status.error().message, "X-Signature-Ed25519 does not match");
  EXPECT_FALSE(verifier_.Verify(timestamp_, std::string(128, '0'), kBody).ok());
}

TEST_F(DiscordSignatureTest, RefusesASignatureMadeWithAnotherKey) {
  test::Ed25519Key other;
  EXPECT_FALSE(verifier_.Verify(timestamp_, other.Sign(timestamp_, kBody), kBody).ok());
  // And a verifier holding the other key refuses ours.
  SignatureVerifier theirs(other.PublicKeyHex(), clock_);
  EXPECT_FALSE(theirs.Verify(timestamp_, key_.Sign(timestamp_, kBody), kBody).ok());
}

TEST_F(DiscordSignatureTest, RefusesABodyChangedByOneByte) {
  const std::string signature = key_.Sign(timestamp_, kBody);
  std::string changed = kBody;
  changed[changed.size() / 2] ^= 0x01;
  EXPECT_FALSE(verifier_.Verify(timestamp_, signature, changed).ok());
  EXPECT_FALSE(verifier_.Verify(timestamp_, signature, std::string(kBody) + " ").ok());
  // The timestamp is signed too: another one with the same signature fails.
  EXPECT_FALSE(verifier_.Verify(std::to_string(kNow - 1), signature, kBody).ok());
}

TEST_F(DiscordSignatureTest, RefusesStaleAndFutureTimestamps) {
  auto signed_at = [&](std::int64_t t) {
    const std::string ts = std::to_string(t);
    return verifier_.Verify(ts, key_.Sign(ts, kBody), kBody);
  };
  EXPECT_TRUE(signed_at(kNow - kMaxClockSkewSeconds).ok());
  EXPECT_TRUE(signed_at(kNow + kMaxClockSkewSeconds).ok());
  const Status stale = signed_at(kNow - kMaxClockSkewSeconds - 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().message, "X-Signature-Timestamp is more than 5 minutes from now");
  EXPECT_FALSE(signed_at(kNow + kMaxClockSkewSeconds + 1).ok());
  EXPECT_FALSE(signed_at(INT64_MAX).ok());
  EXPECT_FALSE(signed_at(INT64_MIN).ok());

  // A request signed now goes stale once the clock has moved on 5 minutes and a second.
  const std::string signature = key_.Sign(timestamp_, kBody);
  clock_.Advance(std::chrono::seconds(kMaxClockSkewSeconds + 1));
  EXPECT_FALSE(verifier_.Verify(timestamp_, signature, kBody).ok());
}

TEST_F(DiscordSignatureTest, RefusesMissingOrMalformedHeaders) {
  const std::string signature = key_.Sign(timestamp_, kBody);
  EXPECT_FALSE(verifier_.Verify("", signature, kBody).ok());
  EXPECT_FALSE(verifier_.Verify(timestamp_, "", kBody).ok());
  EXPECT_FALSE(verifier_.Verify("12x", signature, kBody).ok());
  EXPECT_FALSE(verifier_.Verify(timestamp_, signature.substr(2), kBody).ok());  // too short
  EXPECT_FALSE(verifier_.Verify(timestamp_, "zz" + signature.substr(2), kBody).ok());
}

TEST_F(DiscordSignatureTest, AVerifierWithoutAValidKeyRefusesEverything) {
  SignatureVerifier none("", clock_);
  EXPECT_FALSE(none.Verify(timestamp_, key_.Sign(timestamp_, kBody), kBody).ok());
  SignatureVerifier short_key("abcd", clock_);
  EXPECT_FALSE(short_key.Verify(timestamp_, key_.Sign(timestamp_, kBody), kBody).ok());
}

TEST(DiscordHex, Decodes) {
  EXPECT_EQ(DecodeHex("00ff7A"), (std::vector<unsigned char>{0x00, 0xff, 0x7a}));
  EXPECT_EQ(DecodeHex(""), std::vector<unsigned char>{});
  EXPECT_FALSE(DecodeHex("abc").has_value());
  EXPECT_FALSE(DecodeHex("0g").has_value());
}

}  // namespace
}  // namespace storybot::discord
