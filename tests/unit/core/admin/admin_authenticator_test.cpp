// The authenticator answers from memory and refreshes on the pool once the snapshot is older
// than refresh_after and the store's change counter moved; time is a FakeClock, the pool a queue
// the test runs by hand.
#include "core/admin/admin_authenticator.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/support/fake_clock.h"

namespace storybot {
namespace {

using namespace std::chrono_literals;

class MemoryAccounts final : public AdminAccountStore {
 public:
  Status Add(const AdminAccount& a) override {
    accounts.push_back(a);
    ++version;
    return {};
  }
  Status Remove(const std::string& name) override {
    std::erase_if(accounts, [&](const AdminAccount& a) { return a.name == name; });
    ++version;
    return {};
  }
  Result<std::vector<AdminAccount>> List() override {
    ++lists;
    return accounts;
  }
  void Touch(const std::string& name, const std::string&) override { touched.push_back(name); }
  Result<std::int64_t> ChangeCounter() override { return version; }

  std::vector<AdminAccount> accounts;
  std::int64_t version = 1;
  int lists = 0;
  std::vector<std::string> touched;
};

class AdminAuthenticatorTest : public ::testing::Test {
 protected:
  AdminAuthenticatorTest()
      : auth_(&store_, "boot-token", clock_,
              [this](std::function<void()> task) { posted_.push_back(std::move(task)); }) {}

  void RunPosted() {
    while (!posted_.empty()) {
      auto task = std::move(posted_.front());
      posted_.pop_front();
      task();
    }
  }

  MemoryAccounts store_;
  test::FakeClock clock_;
  std::deque<std::function<void()>> posted_;
  AdminAuthenticator auth_;
};

TEST_F(AdminAuthenticatorTest, BootstrapTokenIsAnEditorNamedBootstrap) {
  auto who = auth_.Authenticate("boot-token");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "bootstrap");
  EXPECT_EQ(who->role, AdminRole::kEditor);
  EXPECT_FALSE(auth_.Authenticate("boot-token2"));
  EXPECT_FALSE(auth_.Authenticate(""));
  EXPECT_TRUE(store_.touched.empty());  // the bootstrap token has no row to touch
}

TEST_F(AdminAuthenticatorTest, SeesAnAddedAccountAfterTheRefreshInterval) {
  const std::string token = NewAdminToken();
  ASSERT_TRUE(store_.Add({"vera", AdminRole::kViewer, HashAdminToken(token), "", ""}).ok());
  EXPECT_FALSE(auth_.Authenticate(token));  // the snapshot is fresh: no refresh yet
  EXPECT_TRUE(posted_.empty());
  clock_.Advance(300ms);
  EXPECT_FALSE(auth_.Authenticate(token));  // this request posts the refresh...
  ASSERT_EQ(posted_.size(), 1u);
  EXPECT_FALSE(auth_.Authenticate(token));  // ...only one at a time
  EXPECT_EQ(posted_.size(), 1u);
  RunPosted();
  auto who = auth_.Authenticate(token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "vera");
  EXPECT_EQ(who->role, AdminRole::kViewer);
  EXPECT_EQ(store_.touched, std::vector<std::string>{"vera"});
}

TEST_F(AdminAuthenticatorTest, ForgetsARemovedAccount) {
  const std::string token = NewAdminToken();
  ASSERT_TRUE(store_.Add({"ed", AdminRole::kEditor, HashAdminToken(token), "", ""}).ok());
  ASSERT_TRUE(auth_.Refresh().ok());
  ASSERT_TRUE(auth_.Authenticate(token));
  ASSERT_TRUE(store_.Remove("ed").ok());
  clock_.Advance(300ms);
  (void)auth_.Authenticate(token);
  RunPosted();
  EXPECT_FALSE(auth_.Authenticate(token));
}

TEST_F(AdminAuthenticatorTest, RereadsOnlyWhenTheStoreChanged) {
  const int lists = store_.lists;
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(300ms);
    (void)auth_.Authenticate("boot-token");
    RunPosted();
  }
  EXPECT_EQ(store_.lists, lists);  // the change counter did not move
  store_.version++;
  clock_.Advance(300ms);
  (void)auth_.Authenticate("boot-token");
  RunPosted();
  EXPECT_EQ(store_.lists, lists + 1);
}

TEST_F(AdminAuthenticatorTest, TouchesAnAccountAtMostOncePerInterval) {
  const std::string token = NewAdminToken();
  ASSERT_TRUE(store_.Add({"vera", AdminRole::kViewer, HashAdminToken(token), "", ""}).ok());
  ASSERT_TRUE(auth_.Refresh().ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(auth_.Authenticate(token));
  EXPECT_EQ(store_.touched.size(), 1u);
  clock_.Advance(61s);
  ASSERT_TRUE(auth_.Authenticate(token));
  EXPECT_EQ(store_.touched.size(), 2u);
}

}  // namespace
}  // namespace storybot
