// Secrets at rest, through the real binary: under the usual umask 022 the data directory is 0700
// and the database (with its -wal and -shm), the admin token are 0600; logs are not
// world-readable; a data directory left readable by an older start is tightened and logged.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/fixture.h"

namespace storybot::test {
namespace {

// The permission bits of `path`, or -1 when it does not exist.
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// Runs with umask 022 for the children it starts, as a login shell or systemd would.
class FileModesTest : public StorybotTest {
 protected:
  void SetUp() override { saved_ = ::umask(022); }
  void TearDown() override { ::umask(saved_); }

  void StartWithGeneratedToken() {
    StartStorybot({{"STORYBOT_ADMIN_TOKEN", ""}});  // unset: the token file is written
  }
  std::string Data(const std::string& name = "") const {
    return dir_.path() + "/data" + (name.empty() ? "" : "/" + name);
  }
  std::string Logs(const std::string& name = "") const {
    return dir_.path() + "/logs" + (name.empty() ? "" : "/" + name);
  }

  mode_t saved_ = 022;
};

TEST_F(FileModesTest, DataIsPrivateUnderUmask022) {
  StartWithGeneratedToken();
  // While it runs, WAL mode keeps the -wal and -shm files next to the database.
  EXPECT_EQ(ModeOf(Data()), 0700);
  EXPECT_EQ(ModeOf(Data("storybot.db")), 0600);
  EXPECT_EQ(ModeOf(Data("storybot.db-wal")), 0600);
  EXPECT_EQ(ModeOf(Data("storybot.db-shm")), 0600);
  EXPECT_EQ(ModeOf(Data("admin_token")), 0600);
  // A write through the writer connection (an integration and its secret) changes nothing.
  std::ifstream token_file(Data("admin_token"));
  std::string token;
  std::getline(token_file, token);
  auto created = Fetch("POST", Url("/api/integrations"),
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                       R"({"name": "acme"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(ModeOf(Data("storybot.db-wal")), 0600);
  const int log_dir = ModeOf(Logs());
  const int log_file = ModeOf(Logs("storybot.ndjson"));
  ASSERT_NE(log_file, -1);
  EXPECT_EQ(log_dir & 07, 0) << std::oct << log_dir;
  EXPECT_EQ(log_file & 07, 0) << std::oct << log_file;
  EXPECT_EQ(log_file & 022, 0) << std::oct << log_file;
  // Nothing was loose, so nothing is reported.
  EXPECT_EQ(process_->stdout_text().find("readable by others"), std::string::npos);
}

TEST_F(FileModesTest, ALooseDataDirIsReportedAndTightened) {
  StartWithGeneratedToken();
  ASSERT_EQ(process_->Stop(SIGTERM), 0);
  // As an older storybot (or `mkdir data`) under umask 022 left them.
  ASSERT_EQ(::chmod(Data().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(Data("storybot.db").c_str(), 0644), 0);
  ASSERT_EQ(::chmod(Data("admin_token").c_str(), 0644), 0);
  std::filesystem::remove(Logs("storybot.ndjson"));

  StartWithGeneratedToken();
  EXPECT_EQ(ModeOf(Data()), 0700);
  EXPECT_EQ(ModeOf(Data("storybot.db")), 0600);
  EXPECT_EQ(ModeOf(Data("storybot.db-wal")), 0600);
  EXPECT_EQ(ModeOf(Data("storybot.db-shm")), 0600);
  EXPECT_EQ(ModeOf(Data("admin_token")), 0600);
  ASSERT_EQ(process_->Stop(SIGTERM), 0);

  std::map<std::string, std::string> warned;  // path -> mode found
  std::ifstream log(Logs("storybot.ndjson"));
  for (std::string line; std::getline(log, line);) {
    const auto o = boost::json::parse(line).as_object();
    if (o.at("message").as_string().find("readable by others") == boost::json::string::npos) {
      continue;
    }
    EXPECT_EQ(o.at("log.level").as_string(), "warn");
    EXPECT_NE(o.at("message").as_string().find("tightened"), boost::json::string::npos);
    warned[std::string(o.at("file.path").as_string())] = o.at("file.mode").as_string();
  }
  EXPECT_EQ(warned[Data()], "0755");
  EXPECT_EQ(warned[Data("storybot.db")], "0644");
  EXPECT_EQ(warned[Data("admin_token")], "0644");
  EXPECT_EQ(warned.size(), 3u);
}

}  // namespace
}  // namespace storybot::test
