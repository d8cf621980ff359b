// SafetyService on a fake clock and an in-memory store: quotas refuse at the limit and let the
// reader back exactly when the window frees a place; commands that write no story are never
// limited; a flood gets one notice; blocked requests are refused without their text anywhere.
#include "core/safety/safety_service.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/fake_transport.h"
#include "tests/unit/core/safety/memory_safety_store.h"

namespace storybot {
namespace {

using std::chrono::minutes;

class SafetyServiceTest : public ::testing::Test {
 protected:
  void Make(SafetyLimits limits, ModerationMode mode = ModerationMode::kLocal) {
    std::unique_ptr<ModerationApi> api;
    if (mode == ModerationMode::kApi) {
      api = std::make_unique<ModerationApi>(ModerationApiOptions{"http://mod.test/v1", "k", 1000},
                                            transport_);
    }
    moderator_ = std::make_unique<Moderator>(mode, std::move(api));
    budget_ = std::make_unique<TokenBudget>(store_, metrics_, *logger_, clock_);
    safety_ = std::make_unique<SafetyService>(limits, *moderator_, *budget_, store_, metrics_,
                                              *logger_, clock_);
    ASSERT_TRUE(safety_->Load().ok());
  }
  static SafetyLimits Limits(std::int64_t hour, std::int64_t day, std::int64_t chat = 0) {
    return {hour, day, chat, 0};
  }
  static InboundMessage Message(std::string text, std::string user = "u1") {
    InboundMessage m;
    m.channel = "telegram";
    m.chat_id = "chat-" + user;
    m.user_id = user;
    m.text = std::move(text);
    return m;
  }
  GateAnswer Story(const std::string& text = "a story about owls", const std::string& user = "u1",
                   Language language = Language::kEnglish) {
    return safety_->Admit(Message(text, user), true, language);
  }

  test::FakeClock clock_{
      std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  test::MemorySafetyStore store_;
  test::FakeTransport transport_;
  Metrics metrics_{"test"};
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
  std::unique_ptr<Moderator> moderator_;
  std::unique_ptr<TokenBudget> budget_;
  std::unique_ptr<SafetyService> safety_;
};

TEST_F(SafetyServiceTest, OverTheHourlyLimitAndBackWhenTheWindowFreesAPlace) {
  Make(Limits(2, 0));
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kProceed);
  clock_.Advance(minutes(10));
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kProceed);
  clock_.Advance(minutes(10));
  const GateAnswer over = Story();
  ASSERT_EQ(over.kind, GateAnswer::Kind::kReply);
  EXPECT_NE(over.text.find("in about 40 minutes"), std::string::npos) << over.text;
  clock_.Advance(minutes(40) - std::chrono::seconds(1));
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kReply);
  clock_.Advance(std::chrono::seconds(1));  // exactly an hour after the first story
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kProceed);
  EXPECT_NE(metrics_.Render().find(R"(storybot_limit_rejections_total{kind="user_hour"} 2)"),
            std::string::npos);
}

TEST_F(SafetyServiceTest, TheDailyLimitAnswersInChineseWithHours) {
  Make(Limits(0, 1));
  EXPECT_EQ(Story("讲个故事", "u1", Language::kChinese).kind, GateAnswer::Kind::kProceed);
  const GateAnswer over = Story("再讲一个", "u1", Language::kChinese);
  ASSERT_EQ(over.kind, GateAnswer::Kind::kReply);
  EXPECT_NE(over.text.find("24 小时"), std::string::npos) << over.text;
}

TEST_F(SafetyServiceTest, UsersAreCountedApartAndCommandsAreNeverLimited) {
  Make(Limits(1, 0));
  EXPECT_EQ(Story("owls", "ada").kind, GateAnswer::Kind::kProceed);
  EXPECT_EQ(Story("owls", "ada").kind, GateAnswer::Kind::kReply);
  EXPECT_EQ(Story("owls", "bob").kind, GateAnswer::Kind::kProceed);
  for (const char* command : {"/help", "/themes", "/reset"}) {
    EXPECT_EQ(safety_->Admit(Message(command, "ada"), false, Language::kEnglish).kind,
              GateAnswer::Kind::kProceed);
  }
}

TEST_F(SafetyServiceTest, AFloodGetsOneNoticeThenSilence) {
  Make(Limits(0, 0, 3));
  int answered = 0, notices = 0, silent = 0;
  for (int i = 0; i < 100; ++i) {
    const GateAnswer a = safety_->Admit(Message("/help"), false, Language::kEnglish);
    answered += a.kind == GateAnswer::Kind::kProceed;
    notices += a.kind == GateAnswer::Kind::kReply;
    silent += a.kind == GateAnswer::Kind::kSilent;
  }
  EXPECT_EQ(answered, 3);
  EXPECT_EQ(notices, 1);
  EXPECT_EQ(silent, 96);
  clock_.Advance(minutes(1));
  EXPECT_EQ(safety_->Admit(Message("/help"), false, Language::kEnglish).kind,
            GateAnswer::Kind::kProceed);
}

TEST_F(SafetyServiceTest, ABlockedRequestIsRefusedAndLoggedWithoutItsText) {
  Make(Limits(0, 0));
  ASSERT_TRUE(safety_->ReplaceWords({"grumpy goblin"}).ok());
  const GateAnswer refused = Story("a story about a GRUMPY goblin");
  ASSERT_EQ(refused.kind, GateAnswer::Kind::kReply);
  EXPECT_NE(refused.text.find("can't write a story about that"), std::string::npos);
  const GateAnswer zh = safety_->Admit(Message("讲一个杀人的故事"), true, Language::kChinese);
  EXPECT_NE(zh.text.find("这个故事我不能讲"), std::string::npos) << zh.text;
  const auto events = safety_->Events(10).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].reason, "blocked_request");
  EXPECT_EQ(events[1].detail, "admin:admin-1");
  EXPECT_EQ(events[0].detail.rfind("violence:zh-", 0), 0u) << events[0].detail;
  EXPECT_EQ(events[0].user_hash.size(), 16u);
  EXPECT_EQ(events[0].user_hash.find("u1"), std::string::npos);
  EXPECT_NE(
      metrics_.Render().find(R"(storybot_moderation_total{stage="request",verdict="block"} 2)"),
      std::string::npos);
}

TEST_F(SafetyServiceTest, StoredLimitsWinOverTheSettingsAndChangesApplyAtOnce) {
  ASSERT_TRUE(store_.SaveLimits({{"user_per_hour", 1}}).ok());
  Make(Limits(5, 7));
  EXPECT_EQ(safety_->limits(), (SafetyLimits{1, 7, 0, 0}));
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kProceed);
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kReply);
  auto changed = safety_->ChangeLimits({{"user_per_hour", 0}, {"llm_daily_tokens", 500}});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed.value(), (SafetyLimits{0, 7, 0, 500}));
  EXPECT_EQ(Story().kind, GateAnswer::Kind::kProceed);
  EXPECT_EQ(budget_->Now().limit, 500);
}

TEST_F(SafetyServiceTest, TheModerationApiFlagsAndItsFailureFallsBackToTheLists) {
  Make(Limits(0, 0), ModerationMode::kApi);
  transport_.Push(test::FakeTransport::Answer(
      200,
      R"({"id":"modr-1","results":[{"flagged":true,"categories":{"violence":true,"hate":false}}]})"));
  EXPECT_EQ(Story("a story about owls").kind, GateAnswer::Kind::kReply);
  EXPECT_EQ(safety_->Events(1).value()[0].detail, "api:violence");
  transport_.Push(test::FakeTransport::Answer(500, R"({"error":"down"})"));
  EXPECT_EQ(Story("a story about owls").kind, GateAnswer::Kind::kProceed);
  transport_.Push(test::FakeTransport::Answer(500, R"({"error":"down"})"));
  EXPECT_EQ(Story("a murder story").kind, GateAnswer::Kind::kReply);  // the local list, no call
  ASSERT_EQ(transport_.requests().size(), 2u);
  EXPECT_EQ(transport_.requests()[0].url, "http://mod.test/v1/moderations");
  EXPECT_EQ(transport_.requests()[0].body, R"({"input":"a story about owls"})");
}

}  // namespace
}  // namespace storybot
