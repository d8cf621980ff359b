// Stories are checked before they are saved: a flagged story is written once more with stricter
// instructions, flagged again it is replaced by the offline storyteller, and a moderation
// service that fails hands the story to the offline storyteller too.
#include "core/safety/moderated_story_writer.h"

#include <gtest/gtest.h>

#include <future>

#include "tests/support/fake_transport.h"

namespace storybot {
namespace {

// Answers with the next scripted text, as engine `engine`; records the requests.
class ScriptedBackend final : public StoryBackend {
 public:
  ScriptedBackend(std::string engine, std::vector<std::string> texts)
      : engine_(std::move(engine)), texts_(std::move(texts)) {}
  std::string_view name() const override { return engine_; }
  void Generate(StoryRequest request, StoryCallback done) override {
    std::string text;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      text = texts_.empty() ? "" : texts_.front();
      if (texts_.size() > 1) texts_.erase(texts_.begin());
    }
    done(Story{text, engine_});
  }
  std::vector<StoryRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::string engine_;
  std::mutex mutex_;
  std::vector<std::string> texts_;
  std::vector<StoryRequest> requests_;
};

class ModeratedStoryWriterTest : public ::testing::Test {
 protected:
  Story Write(ScriptedBackend& llm, ModerationMode mode = ModerationMode::kLocal) {
    std::unique_ptr<ModerationApi> api;
    if (mode == ModerationMode::kApi) {
      api = std::make_unique<ModerationApi>(ModerationApiOptions{"http://m.test", "", 1000},
                                            transport_);
    }
    Moderator moderator(mode, std::move(api));
    ModeratedStoryWriter writer(llm, offline_, moderator, metrics_, *logger_);
    std::promise<Result<Story>> written;
    StoryRequest request;
    request.system_prompt = "Be kind.";
    writer.Generate(request, [&](Result<Story> story) { written.set_value(std::move(story)); });
    Result<Story> story = written.get_future().get();
    EXPECT_TRUE(story.ok());
    return story.value();
  }

  ScriptedBackend offline_{"offline", {"An offline story."}};
  test::FakeTransport transport_;
  Metrics metrics_{"test"};
  std::shared_ptr<Logger> logger_ = Logger::Open({"", LogLevel::kError, false}).value();
};

TEST_F(ModeratedStoryWriterTest, ACleanStoryPasses) {
  ScriptedBackend llm("openai", {"A kind owl helped a fox."});
  EXPECT_EQ(Write(llm).text, "A kind owl helped a fox.");
  EXPECT_EQ(llm.requests().size(), 1u);
}

TEST_F(ModeratedStoryWriterTest, AFlaggedStoryIsWrittenAgainWithStricterInstructions) {
  ScriptedBackend llm("openai", {"The knight wanted to kill the dragon.", "They became friends."});
  EXPECT_EQ(Write(llm).text, "They became friends.");
  const auto requests = llm.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].system_prompt, "Be kind.");
  EXPECT_EQ(requests[1].system_prompt, "Be kind." + std::string(kStricterInstructions));
  EXPECT_TRUE(offline_.requests().empty());
}

TEST_F(ModeratedStoryWriterTest, FlaggedTwiceTheOfflineStorytellerWritesIt) {
  ScriptedBackend llm("openai", {"A murder.", "Another murder."});
  const Story story = Write(llm);
  EXPECT_EQ(story.text, "An offline story.");
  EXPECT_EQ(story.engine, "offline");
  EXPECT_EQ(llm.requests().size(), 2u);
  EXPECT_NE(metrics_.Render().find(R"(storybot_moderation_total{stage="story",verdict="block"} 2)"),
            std::string::npos);
}

TEST_F(ModeratedStoryWriterTest, AFailingModerationServiceHandsTheStoryToTheOfflineStoryteller) {
  transport_.Push(test::FakeTransport::Answer(500, "{}"));
  ScriptedBackend llm("openai", {"A kind owl."});
  EXPECT_EQ(Write(llm, ModerationMode::kApi).engine, "offline");
  transport_.Push(test::FakeTransport::NetworkError("Timeout was reached"));
  EXPECT_EQ(Write(llm, ModerationMode::kApi).engine, "offline");
  EXPECT_EQ(llm.requests().size(), 2u);  // one story each, never a second attempt
}

TEST_F(ModeratedStoryWriterTest, OfflineStoriesAndModerationOffAreNotChecked) {
  ScriptedBackend fallback("offline", {"kill"});  // an LLM that fell back: offline's own text
  EXPECT_EQ(Write(fallback).text, "kill");
  ScriptedBackend llm("openai", {"kill"});
  EXPECT_EQ(Write(llm, ModerationMode::kOff).text, "kill");
}

TEST(ModerationAnswerTest, ParsesTheDocumentedShape) {
  auto answer = ParseModerationAnswer(
      R"({"id":"modr-1","model":"omni","results":[{"flagged":true,"categories":{"violence":true,"sexual":false,"hate":true},"category_scores":{"violence":0.9}}]})");
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer.value().flagged);
  EXPECT_EQ(answer.value().categories, (std::vector<std::string>{"hate", "violence"}));
  EXPECT_FALSE(ParseModerationAnswer(R"({"results":[]})").ok());
  EXPECT_FALSE(ParseModerationAnswer("not json").ok());
  EXPECT_FALSE(ParseModerationAnswer(R"({"results":[{"flagged":"yes"}]})").ok());
}

}  // namespace
}  // namespace storybot
