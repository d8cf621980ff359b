// Rotation grace on a fake clock: after a rotation the old secret still verifies for 24 hours of
// (fake) time and not a second longer; the registry's stamps come from the same clock.
#include "channels/webhook/integration_registry.h"

#include <gtest/gtest.h>

#include "channels/webhook/signature.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_integration_store.h"
#include "tests/support/database_fixture.h"
#include "tests/support/fake_clock.h"
#include "tests/support/storybot_process.h"

namespace storybot::webhook {
namespace {

class IntegrationRegistryTest : public test::DatabaseFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    store_ = std::make_unique<SqliteIntegrationStore>(*db_, *writer_);
    registry_ = std::make_unique<IntegrationRegistry>(*store_, clock_);
    ASSERT_TRUE(registry_->Load().ok());
  }
  std::vector<std::string> KeysNow() { return registry_->ValidKeys(*registry_->Find("shop")); }
  static std::string Key(const std::string& secret) { return SecretKey(secret).value(); }

  // 2026-11-25T20:16:10Z
  test::FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1795637770))};
  std::unique_ptr<SqliteIntegrationStore> store_;
  std::unique_ptr<IntegrationRegistry> registry_;
};

TEST_F(IntegrationRegistryTest, TheOldSecretStaysValidFor24HoursAfterARotation) {
  auto created = registry_->Create("shop", {}, registry_->Now());
  ASSERT_TRUE(created.ok()) << created.error().message;
  const std::string old_secret = created.value().secret;
  EXPECT_EQ(created.value().created_at, "2026-11-25T20:16:10.000Z");  // the fake wall clock
  EXPECT_EQ(KeysNow(), std::vector<std::string>{Key(old_secret)});

  clock_.Advance(std::chrono::hours(1));
  auto rotated = registry_->Rotate("shop", registry_->Now());
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const std::string new_secret = rotated.value().secret;
  ASSERT_NE(new_secret, old_secret);
  EXPECT_EQ(rotated.value().rotated_at, "2026-11-25T21:16:10.000Z");
  EXPECT_EQ(KeysNow(), (std::vector<std::string>{Key(new_secret), Key(old_secret)}));

  clock_.Advance(std::chrono::hours(24) - std::chrono::seconds(1));
  EXPECT_EQ(KeysNow(), (std::vector<std::string>{Key(new_secret), Key(old_secret)}));
  clock_.Advance(std::chrono::seconds(1));  // exactly kRotationGraceS after the rotation
  EXPECT_EQ(KeysNow(), std::vector<std::string>{Key(new_secret)});
}

TEST_F(IntegrationRegistryTest, ASecondRotationEndsTheFirstGraceAtOnce) {
  ASSERT_TRUE(registry_->Create("shop", {}, registry_->Now()).ok());
  const std::string second = registry_->Rotate("shop", registry_->Now()).value().secret;
  clock_.Advance(std::chrono::minutes(5));
  const std::string third = registry_->Rotate("shop", registry_->Now()).value().secret;
  // Only the secret just replaced keeps a grace period; the first is gone.
  EXPECT_EQ(KeysNow(), (std::vector<std::string>{Key(third), Key(second)}));
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(KeysNow(), std::vector<std::string>{Key(third)});
}

}  // namespace
}  // namespace storybot::webhook
