#include "channels/slack/signature.h"

#include <gtest/gtest.h>

#include <list>

#include "tests/support/fake_clock.h"

namespace storybot::slack {
namespace {

// Slack's worked example from "Verifying requests from Slack".
constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* kTimestamp = "1531420618";
constexpr std::int64_t kThen = 1531420618;
constexpr const char* kBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmi"
    "bIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
constexpr const char* kSignature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

// A fake clock standing at Unix second `now`; kept for the whole test, since a verifier holds a
// reference to its clock.
const Clock& ClockAt(std::int64_t now) {
  static std::list<test::FakeClock> clocks;  // never moved, never freed before the test ends
  return clocks.emplace_back(std::chrono::system_clock::time_point(std::chrono::seconds(now)));
}

SignatureVerifier At(std::int64_t now) { return SignatureVerifier(kSecret, ClockAt(now)); }

TEST(SlackSignature, MatchesSlacksDocumentedExample) {
  EXPECT_EQ(ComputeSignature(kSecret, kTimestamp, kBody), kSignature);
  EXPECT_TRUE(At(kThen).Verify(kTimestamp, kSignature, kBody).ok());
}

TEST(SlackSignature, RefusesAChangedBodyOrSignature) {
  std::string body = kBody;
  body.back() = 'd';
  EXPECT_EQ(At(kThen).Verify(kTimestamp, kSignature, body).error().code,
            ErrorCode::kUnauthenticated);
  std::string signature = kSignature;
  signature[10] = signature[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(At(kThen).Verify(kTimestamp, signature, kBody).ok());
  EXPECT_FALSE(At(kThen).Verify(kTimestamp, "v0=", kBody).ok());
  // Upper-case hex is not what Slack sends: the bytes must match exactly.
  std::string upper = kSignature;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(At(kThen).Verify(kTimestamp, upper, kBody).ok());
  EXPECT_FALSE(SignatureVerifier("another-secret", ClockAt(kThen))
                   .Verify(kTimestamp, kSignature, kBody)
                   .ok());
}

TEST(SlackSignature, RefusesTimestampsMoreThanFiveMinutesAway) {
  EXPECT_TRUE(At(kThen + 300).Verify(kTimestamp, kSignature, kBody).ok());
  EXPECT_TRUE(At(kThen - 300).Verify(kTimestamp, kSignature, kBody).ok());
  const Status stale = At(kThen + 301).Verify(kTimestamp, kSignature, kBody);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("5 minutes"), std::string::npos);
  EXPECT_FALSE(At(kThen - 301).Verify(kTimestamp, kSignature, kBody).ok());
  EXPECT_FALSE(SignatureVerifier(kSecret).Verify(kTimestamp, kSignature, kBody).ok());  // 2018
}

TEST(SlackSignature, TheWindowMovesWithTheClock) {
  // One verifier, one clock: valid for five minutes of (fake) time, refused one second later.
  test::FakeClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(kThen))};
  const SignatureVerifier verifier(kSecret, clock);
  EXPECT_TRUE(verifier.Verify(kTimestamp, kSignature, kBody).ok());
  clock.Advance(std::chrono::seconds(300));
  EXPECT_TRUE(verifier.Verify(kTimestamp, kSignature, kBody).ok());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_FALSE(verifier.Verify(kTimestamp, kSignature, kBody).ok());
}

TEST(SlackSignature, RefusesMissingOrMalformedHeaders) {
  EXPECT_FALSE(At(kThen).Verify("", kSignature, kBody).ok());
  EXPECT_FALSE(At(kThen).Verify(kTimestamp, "", kBody).ok());
  EXPECT_FALSE(At(kThen).Verify("1531420618x", kSignature, kBody).ok());
  EXPECT_FALSE(At(kThen).Verify("-1", kSignature, kBody).ok());
  EXPECT_FALSE(At(kThen).Verify("99999999999999999999999", kSignature, kBody).ok());
}

TEST(SlackSignature, SignsTheRawBytes) {
  const std::string body = "{\"text\":\"故事 \\u00e9\"}\n";
  const std::string ts = "1700000000";
  const std::string signature = ComputeSignature("s3cret", ts, body);
  EXPECT_EQ(signature.size(), 3u + 64u);
  EXPECT_TRUE(SignatureVerifier("s3cret", ClockAt(1700000000)).Verify(ts, signature, body).ok());
  EXPECT_FALSE(SignatureVerifier("s3cret", ClockAt(1700000000))
                   .Verify(ts, signature, body.substr(0, body.size() - 1))
                   .ok());
}

}  // namespace
}  // namespace storybot::slack
