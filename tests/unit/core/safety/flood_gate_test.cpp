// Flood control per chat on a fake clock: `limit` answers in a minute, then exactly one notice,
// then silence until the minute is over.
#include "core/safety/flood_gate.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace storybot {
namespace {

using std::chrono::seconds;

TEST(FloodGateTest, LimitAnswersThenOneNoticeThenSilence) {
  test::FakeClock clock;
  FloodGate gate(clock);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(gate.Admit("chat", 3), FloodVerdict::kAnswer);
  EXPECT_EQ(gate.Admit("chat", 3), FloodVerdict::kNotice);
  int notices = 0;
  for (int i = 0; i < 96; ++i) notices += gate.Admit("chat", 3) == FloodVerdict::kNotice ? 1 : 0;
  EXPECT_EQ(notices, 0);
  EXPECT_EQ(gate.Admit("chat", 3), FloodVerdict::kSilent);
}

TEST(FloodGateTest, TheMinuteEndsExactlySixtySecondsAfterItsFirstMessage) {
  test::FakeClock clock;
  FloodGate gate(clock);
  EXPECT_EQ(gate.Admit("chat", 1), FloodVerdict::kAnswer);
  clock.Advance(seconds(59));
  EXPECT_EQ(gate.Admit("chat", 1), FloodVerdict::kNotice);
  clock.Advance(std::chrono::milliseconds(999));
  EXPECT_EQ(gate.Admit("chat", 1), FloodVerdict::kSilent);
  clock.Advance(std::chrono::milliseconds(1));  // 60 s after the first message
  EXPECT_EQ(gate.Admit("chat", 1), FloodVerdict::kAnswer);
  EXPECT_EQ(gate.Admit("chat", 1), FloodVerdict::kNotice);
}

TEST(FloodGateTest, ChatsAreCountedApart) {
  test::FakeClock clock;
  FloodGate gate(clock);
  EXPECT_EQ(gate.Admit("a", 1), FloodVerdict::kAnswer);
  EXPECT_EQ(gate.Admit("b", 1), FloodVerdict::kAnswer);
  EXPECT_EQ(gate.Admit("a", 1), FloodVerdict::kNotice);
}

TEST(FloodGateTest, ZeroTurnsItOff) {
  test::FakeClock clock;
  FloodGate gate(clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(gate.Admit("chat", 0), FloodVerdict::kAnswer);
}

}  // namespace
}  // namespace storybot
