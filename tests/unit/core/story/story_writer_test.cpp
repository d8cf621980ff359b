// StoryWriter times each story on its clock (storybot_story_duration_seconds) and falls back to
// the offline storyteller when the LLM fails; the durations are read off a fake clock, so the
// test takes no time however slow the "backends" are.
#include "core/story/story_writer.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace storybot {
namespace {

// Answers at once, after moving the fake clock by `takes` (a backend that "took" that long).
class TimedBackend final : public StoryBackend {
 public:
  TimedBackend(test::FakeClock& clock, std::string engine, std::chrono::milliseconds takes,
               bool fails = false)
      : clock_(clock), engine_(std::move(engine)), takes_(takes), fails_(fails) {}
  std::string_view name() const override { return engine_; }
  void Generate(StoryRequest, StoryCallback done) override {
    clock_.Advance(takes_);
    if (fails_) return done(Unavailable("the LLM server failed (HTTP 503)"));
    done(Story{"once upon a time", engine_, 0, 0, false});
  }

 private:
  test::FakeClock& clock_;
  std::string engine_;
  std::chrono::milliseconds takes_;
  bool fails_;
};

double DurationSum(Metrics& metrics, const std::string& engine) {
  const std::string text = metrics.Render();
  const std::string key = "storybot_story_duration_seconds_sum{engine=\"" + engine + "\"} ";
  const auto at = text.find(key);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
}

class StoryWriterTest : public ::testing::Test {
 protected:
  test::FakeClock clock_;
  Metrics metrics_{"test"};
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
};

TEST_F(StoryWriterTest, AStoryIsTimedOnTheClock) {
  TimedBackend llm(clock_, "openai", std::chrono::milliseconds(2500));
  TimedBackend offline(clock_, "offline", std::chrono::milliseconds(40));
  StoryWriter writer(&llm, offline, metrics_, *logger_, clock_);
  bool answered = false;
  writer.Generate({}, [&](Result<Story> story) { answered = story.ok(); });
  EXPECT_TRUE(answered);
  EXPECT_NEAR(DurationSum(metrics_, "openai"), 2.5, 1e-9);
  EXPECT_DOUBLE_EQ(DurationSum(metrics_, "offline"), 0);
}

TEST_F(StoryWriterTest, AFallbackIsTimedFromItsOwnStart) {
  TimedBackend llm(clock_, "openai", std::chrono::seconds(30), /*fails=*/true);
  TimedBackend offline(clock_, "offline", std::chrono::milliseconds(40));
  StoryWriter writer(&llm, offline, metrics_, *logger_, clock_);
  std::string engine;
  writer.Generate({}, [&](Result<Story> story) { engine = story.value().engine; });
  EXPECT_EQ(engine, "offline");
  EXPECT_NEAR(DurationSum(metrics_, "offline"), 0.04, 1e-9);  // not the 30 s the LLM took
  EXPECT_DOUBLE_EQ(DurationSum(metrics_, "openai"), 0);
}

}  // namespace
}  // namespace storybot
