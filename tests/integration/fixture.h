#pragma once
// A real storybot process on 127.0.0.1:0 with its own temporary data and log dirs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>

#include "tests/support/http_client.h"
#include "tests/support/storybot_process.h"
#include "tests/support/wait_for.h"

namespace storybot::test {

class StorybotTest : public ::testing::Test {
 protected:
  void SetUp() override { StartStorybot(); }

  void StartStorybot(std::map<std::string, std::string> env = {}) {
    process_ = std::make_unique<StorybotProcess>(dir_.path(), std::move(env));
    ASSERT_TRUE(process_->Start()) << process_->stdout_text();
  }

  std::string Url(const std::string& path) const { return process_->base_url() + path; }

  HeaderList Admin(HeaderList extra = {}) const {
    extra.emplace_back("Authorization", std::string("Bearer ") + StorybotProcess::kToken);
    return extra;
  }
  HeaderList AdminJson() const { return Admin({{"Content-Type", "application/json"}}); }

  HttpResult Get(const std::string& path) { return Fetch("GET", Url(path), Admin()); }
  HttpResult Post(const std::string& path, const std::string& body) {
    return Fetch("POST", Url(path), AdminJson(), body);
  }
  HttpResult Put(const std::string& path, const std::string& body) {
    return Fetch("PUT", Url(path), AdminJson(), body);
  }

  static boost::json::value Json(const HttpResult& r) { return boost::json::parse(r.body); }
  static std::string ErrorCodeOf(const HttpResult& r) {
    return std::string(Json(r).at("error").at("code").as_string());
  }
  static std::string ErrorMessageOf(const HttpResult& r) {
    return std::string(Json(r).at("error").at("message").as_string());
  }
  // Jobs in `state` (pending, done, failed, dead) per GET /api/stats. A test that must show
  // "nothing more will be sent" waits for no pending job instead of sleeping: a finished job is
  // never sent again.
  std::int64_t JobsIn(const char* state) {
    return Json(Get("/api/stats")).at("jobs").at(state).as_int64();
  }

  TempDir dir_;
  std::unique_ptr<StorybotProcess> process_;
};

}  // namespace storybot::test
