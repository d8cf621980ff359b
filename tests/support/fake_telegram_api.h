#pragma once
// A fake Telegram Bot API on loopback speaking the documented JSON: getMe, setMyCommands,
// setWebhook, sendChatAction, sendMessage (recorded per chat) and getUpdates (served from a
// queue). Failures can be scripted per method.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace storybot::test {

struct SentMessage {
  std::string chat_id;
  std::string text;
  std::int64_t reply_to = 0;
  std::chrono::steady_clock::time_point at;  // when the fake received it
};

// A Telegram Update (JSON) with a private text message from user `chat` in chat `chat`;
// `language` becomes the sender's language_code unless empty.
std::string PrivateMessageUpdate(std::int64_t id, std::int64_t chat, const std::string& text,
                                 const std::string& name = "Ada", const std::string& language = "");

class FakeTelegramApi {
 public:
  static constexpr const char* kToken = "123456:TEST-token_abcdefghijklmnop";
  FakeTelegramApi();
  ~FakeTelegramApi();

  std::string base_url() const { return server_.base_url(); }
  FakeHttpServer& server() { return server_; }

  // The next `count` calls of `method` answer with `status` and `body` instead.
  void Fail(const std::string& method, int count, int status, std::string body);
  // The same, after the next `succeed_first` calls of `method` have been answered normally.
  void FailAfter(const std::string& method, int succeed_first, int count, int status,
                 std::string body);
  // The next sendMessage is recorded (the message counts as sent) but answered only by
  // ReleaseHeld(), as when the network stalls after Telegram accepted it.
  void HoldNextSend();
  void ReleaseHeld();
  // Updates for getUpdates, in order; each getUpdates call returns those with id >= offset.
  void QueueUpdate(std::string update_json);

  std::vector<SentMessage> sent() const;
  std::vector<SentMessage> SentTo(const std::string& chat_id) const;
  int calls(const std::string& method) const;
  // Waits (bounded) until at least `count` messages were sent; false on timeout.
  bool WaitForSent(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(20));
  std::int64_t last_offset() const;

 private:
  void Handle(const std::string& method, const http::ExchangePtr& ex);

  FakeHttpServer server_;
  mutable std::mutex mutex_;
  std::vector<SentMessage> sent_;
  std::map<std::string, int> calls_;
  struct Failure {
    int skip = 0;
    int count;
    int status;
    std::string body;
  };
  std::map<std::string, Failure> failures_;
  std::vector<std::pair<std::int64_t, std::string>> updates_;
  std::int64_t last_offset_ = 0;
  bool hold_next_send_ = false;
  std::vector<std::pair<http::ExchangePtr, http::Response>> held_;
};

}  // namespace storybot::test
