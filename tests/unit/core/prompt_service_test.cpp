#include "core/prompt_service.h"

#include <gtest/gtest.h>

#include "core/storage/database.h"
#include "core/storage/sqlite_prompt_store.h"
#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

class PromptServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::Open(dir_.File("storybot.db"));
    ASSERT_TRUE(opened.ok());
    db_ = std::move(opened).value();
    store_ = std::make_unique<SqlitePromptStore>(*db_);
    service_ = std::make_unique<PromptService>(*store_);
  }
  test::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqlitePromptStore> store_;
  std::unique_ptr<PromptService> service_;
};

TEST_F(PromptServiceTest, CreateUpdateAndHistory) {
  auto created = service_->Create({"", "从前，{{user_name}}遇见了一只会说话的猫。", true});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created.value().version, 1);
  EXPECT_FALSE(created.value().title.empty());
  auto updated =
      service_->Update(created.value().id, {std::nullopt, std::string("新的故事"), false});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.value().version, 2);
  EXPECT_EQ(updated.value().content, "新的故事");
  EXPECT_FALSE(updated.value().enabled);
  EXPECT_EQ(updated.value().title, created.value().title);
  auto versions = service_->Versions(created.value().id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions.value().size(), 2u);
  EXPECT_EQ(versions.value()[0].version, 2);  // newest first
  EXPECT_EQ(versions.value()[1].content, "从前，{{user_name}}遇见了一只会说话的猫。");
}

TEST_F(PromptServiceTest, ListSnapshotFollowsChanges) {
  auto first = service_->List();
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first.value()->prompts.empty());
  ASSERT_TRUE(service_->Create({"A", "a", true}).ok());
  auto second = service_->List();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value()->prompts.size(), 1u);
  EXPECT_NE(first.value()->generation, second.value()->generation);
}

TEST_F(PromptServiceTest, ValidationNamesTheField) {
  auto empty = service_->Create({"", "", true});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message.rfind("content:", 0), 0u);
  auto bad_template = service_->Create({"", "hi {{name", true});
  ASSERT_FALSE(bad_template.ok());
  EXPECT_NE(bad_template.error().message.find("character 4"), std::string::npos);
  // 8,000 Chinese characters are fine (characters, not bytes); 8,001 are not.
  std::string long_text;
  for (int i = 0; i < 8000; ++i) long_text += "字";
  EXPECT_TRUE(service_->Create({"", long_text, true}).ok());
  EXPECT_FALSE(service_->Create({"", long_text + "字", true}).ok());
  EXPECT_FALSE(service_->Update(1, {}).ok());  // nothing to change
  EXPECT_EQ(service_->Update(999, {std::nullopt, std::string("x"), std::nullopt}).error().code,
            ErrorCode::kNotFound);
}

TEST_F(PromptServiceTest, DeleteRemovesPromptAndHistory) {
  auto created = service_->Create({"T", "c", true});
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(service_->Delete(created.value().id).ok());
  EXPECT_EQ(service_->Get(created.value().id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->Versions(created.value().id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->Delete(created.value().id).error().code, ErrorCode::kNotFound);
}

TEST(DefaultTitleTest, FirstWordsWithoutPlaceholders) {
  EXPECT_EQ(DefaultTitle("Tell {{user_name}} a story about a brave little fox and a moon"),
            "Tell a story about a brave…");
  EXPECT_EQ(DefaultTitle("Short one"), "Short one");
  EXPECT_EQ(DefaultTitle("{{request}}"), "Untitled");
  const std::string chinese = DefaultTitle(
      "从前有一座山，山里有一座庙，庙里有一个老和尚在给小和尚讲故事，讲的是什么呢？从前有一座山");
  EXPECT_EQ(chinese.substr(chinese.size() - 3), "…");
}

}  // namespace
}  // namespace storybot
