// Standard Webhooks signatures: the specification's test vector in both directions, rotation,
// tolerance and malformed headers.
#include "channels/webhook/signature.h"

#include <gtest/gtest.h>

namespace storybot::webhook {
namespace {

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr std::string_view kBody = R"({"test": 2432232314})";
constexpr std::string_view kSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

std::string Key(std::string_view secret = kSecret) { return SecretKey(secret).value(); }

TEST(StandardWebhooksTest, SignsTheSpecificationVector) {
  EXPECT_EQ(Sign(Key(), kId, kTimestamp, kBody), kSignature);
}

TEST(StandardWebhooksTest, VerifiesTheSpecificationVector) {
  const std::string ts = std::to_string(kTimestamp);
  EXPECT_TRUE(Verify({Key()}, {kId, ts, kSignature}, kBody, kTimestamp).ok());
  // Any entry of a space-separated list may match; other schemes are skipped.
  const std::string several = "v1a,abc v1,AAAA " + std::string(kSignature);
  EXPECT_TRUE(Verify({Key()}, {kId, ts, several}, kBody, kTimestamp + 299).ok());
}

TEST(StandardWebhooksTest, RefusesChangedOrForeignInput) {
  const std::string ts = std::to_string(kTimestamp);
  EXPECT_FALSE(Verify({Key()}, {kId, ts, kSignature}, R"({"test": 2432232315})", kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {"msg_other", ts, kSignature}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key(GenerateSecret())}, {kId, ts, kSignature}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {kId, ts, "v2,g0hM9SsE"}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {kId, ts, ""}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {"", ts, kSignature}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {"has space", ts, kSignature}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {kId, "16142653x0", kSignature}, kBody, kTimestamp).ok());
  EXPECT_FALSE(Verify({Key()}, {kId, "-1", kSignature}, kBody, kTimestamp).ok());
}

TEST(StandardWebhooksTest, ToleranceIsFiveMinutesEitherWay) {
  const std::string ts = std::to_string(kTimestamp);
  EXPECT_TRUE(Verify({Key()}, {kId, ts, kSignature}, kBody, kTimestamp - 300).ok());
  EXPECT_TRUE(Verify({Key()}, {kId, ts, kSignature}, kBody, kTimestamp + 300).ok());
  Status stale = Verify({Key()}, {kId, ts, kSignature}, kBody, kTimestamp + 301);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(Verify({Key()}, {kId, ts, kSignature}, kBody, kTimestamp - 301).ok());
}

TEST(StandardWebhooksTest, RotationSignsWithEveryKeyAndEitherVerifies) {
  const std::string old_key = Key();
  const std::string new_key = Key(GenerateSecret());
  const std::string header = SignAll({new_key, old_key}, kId, kTimestamp, kBody);
  EXPECT_NE(header.find(' '), std::string::npos);
  const std::string ts = std::to_string(kTimestamp);
  EXPECT_TRUE(Verify({old_key}, {kId, ts, header}, kBody, kTimestamp).ok());
  EXPECT_TRUE(Verify({new_key}, {kId, ts, header}, kBody, kTimestamp).ok());
  EXPECT_TRUE(Verify({new_key, old_key}, {kId, ts, kSignature}, kBody, kTimestamp).ok());
}

TEST(StandardWebhooksTest, SecretsAreWhsecBase64OfRandomBytes) {
  const std::string a = GenerateSecret(32);
  EXPECT_TRUE(a.starts_with("whsec_"));
  EXPECT_EQ(SecretKey(a).value().size(), 32u);
  EXPECT_NE(a, GenerateSecret(32));
  EXPECT_EQ(SecretKey(GenerateSecret(8)).value().size(), 24u);  // clamped to the spec's range
  EXPECT_EQ(SecretKey(GenerateSecret(99)).value().size(), 64u);
  EXPECT_FALSE(SecretKey("whsec_not base64!").ok());
}

TEST(StandardWebhooksTest, Base64RoundTripsAndIsStrict) {
  for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    if (s.empty()) continue;
    EXPECT_EQ(Base64Decode(Base64Encode(s)).value(), s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(Base64Decode("Zm9v=mFy").ok());
  EXPECT_FALSE(Base64Decode("Zm9").ok());
  EXPECT_FALSE(Base64Decode("Zm-v").ok());
}

}  // namespace
}  // namespace storybot::webhook
