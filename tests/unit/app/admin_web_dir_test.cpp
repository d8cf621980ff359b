// Where the admin panel is looked for: the working directory, then beside the binary.
#include "app/admin_web_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/storybot_process.h"

namespace storybot {
namespace {

void MakePanel(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/index.html") << "<!doctype html>";
}

TEST(AdminWebDirTest, TheDefaultIsFoundBesideTheBinaryFromAnotherDirectory) {
  test::TempDir root;
  MakePanel(root.File("repo/admin-web/dist"));
  std::filesystem::create_directories(root.File("elsewhere"));
  const AdminWebDir web = ResolveAdminWebDir("admin-web/dist", root.File("elsewhere"),
                                             root.File("repo/build/storybot"));
  EXPECT_EQ(web.path, root.File("repo/admin-web/dist"));
  ASSERT_EQ(web.tried.size(), 2u);
  EXPECT_EQ(web.tried[0], root.File("elsewhere/admin-web/dist"));
}

TEST(AdminWebDirTest, TheWorkingDirectoryWinsWhenItHasThePanel) {
  test::TempDir root;
  MakePanel(root.File("cwd/admin-web/dist"));
  MakePanel(root.File("repo/admin-web/dist"));
  const AdminWebDir web =
      ResolveAdminWebDir("admin-web/dist", root.File("cwd"), root.File("repo/build/storybot"));
  EXPECT_EQ(web.path, root.File("cwd/admin-web/dist"));
}

TEST(AdminWebDirTest, AnInstalledReleaseFindsItsOwnPanel) {
  test::TempDir root;
  MakePanel(root.File("opt/storybot/current/admin-web/dist"));
  const AdminWebDir web = ResolveAdminWebDir("admin-web/dist", root.File("var"),
                                             root.File("opt/storybot/current/bin/storybot"));
  EXPECT_EQ(web.path, root.File("opt/storybot/current/admin-web/dist"));
}

TEST(AdminWebDirTest, AbsolutePathsAreTakenAsTheyAreAndMissingPanelsSaySoWithEveryPlaceTried) {
  test::TempDir root;
  const AdminWebDir absent =
      ResolveAdminWebDir(root.File("nowhere"), root.File("cwd"), root.File("repo/build/storybot"));
  EXPECT_TRUE(absent.path.empty());
  ASSERT_EQ(absent.tried.size(), 1u);
  EXPECT_EQ(absent.tried[0], root.File("nowhere"));

  const AdminWebDir relative =
      ResolveAdminWebDir("admin-web/dist", root.File("cwd"), root.File("repo/build/storybot"));
  EXPECT_TRUE(relative.path.empty());
  EXPECT_EQ(relative.tried.size(), 2u);
}

}  // namespace
}  // namespace storybot
