#include "tests/support/fake_telegram_api.h"

#include <boost/json.hpp>
#include <thread>

#include "tests/support/wait_for.h"

namespace storybot::test {

std::string PrivateMessageUpdate(std::int64_t id, std::int64_t chat, const std::string& text,
                                 const std::string& name, const std::string& language) {
  boost::json::object from{{"id", chat}, {"is_bot", false}, {"first_name", name}};
  if (!language.empty()) from["language_code"] = language;
  boost::json::object update{{"update_id", id},
                             {"message",
                              {{"message_id", id * 10},
                               {"date", 1700000000},
                               {"from", std::move(from)},
                               {"chat", {{"id", chat}, {"type", "private"}}},
                               {"text", text}}}};
  return boost::json::serialize(update);
}

FakeTelegramApi::FakeTelegramApi() {
  for (const char* method : {"getMe", "setMyCommands", "setWebhook", "sendChatAction",
                             "sendMessage", "getUpdates", "deleteWebhook"}) {
    server_.On(
        "POST", std::string("/{bot}/") + method,
        [this, name = std::string(method)](const http::ExchangePtr& ex) { Handle(name, ex); });
  }
}

FakeTelegramApi::~FakeTelegramApi() { ReleaseHeld(); }

void FakeTelegramApi::Fail(const std::string& method, int count, int status, std::string body) {
  FailAfter(method, 0, count, status, std::move(body));
}

void FakeTelegramApi::FailAfter(const std::string& method, int succeed_first, int count, int status,
                                std::string body) {
  std::lock_guard lock(mutex_);
  failures_[method] = {succeed_first, count, status, std::move(body)};
}

void FakeTelegramApi::HoldNextSend() {
  std::lock_guard lock(mutex_);
  hold_next_send_ = true;
}

void FakeTelegramApi::ReleaseHeld() {
  std::vector<std::pair<http::ExchangePtr, http::Response>> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  for (auto& [ex, response] : held) ex->Reply(std::move(response));
}

void FakeTelegramApi::QueueUpdate(std::string update_json) {
  const auto id = boost::json::parse(update_json).at("update_id").as_int64();
  std::lock_guard lock(mutex_);
  updates_.emplace_back(id, std::move(update_json));
}

std::vector<SentMessage> FakeTelegramApi::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

std::vector<SentMessage> FakeTelegramApi::SentTo(const std::string& chat_id) const {
  std::vector<SentMessage> out;
  for (const SentMessage& m : sent()) {
    if (m.chat_id == chat_id) out.push_back(m);
  }
  return out;
}

int FakeTelegramApi::calls(const std::string& method) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

std::int64_t FakeTelegramApi::last_offset() const {
  std::lock_guard lock(mutex_);
  return last_offset_;
}

bool FakeTelegramApi::WaitForSent(std::size_t count, std::chrono::seconds timeout) {
  return WaitFor([&] { return sent().size() >= count; }, timeout, std::chrono::milliseconds(20));
}

void FakeTelegramApi::Handle(const std::string& method, const http::ExchangePtr& ex) {
  const std::string expected_path = std::string("bot") + kToken;
  if (ex->params.at("bot") != expected_path) {
    return ex->Reply(
        http::JsonResponse(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(ex->request().body, ec);
  if (ec || !body.is_object()) {
    return ex->Reply(http::JsonResponse(
        400, R"({"ok":false,"error_code":400,"description":"Bad Request: bad JSON"})"));
  }
  const auto& params = body.as_object();
  std::unique_lock lock(mutex_);
  ++calls_[method];
  if (auto f = failures_.find(method); f != failures_.end() && f->second.skip > 0) {
    --f->second.skip;
  } else if (f != failures_.end() && f->second.count > 0) {
    --f->second.count;
    const int status = f->second.status;
    const std::string reply = f->second.body;
    lock.unlock();
    return ex->Reply(http::JsonResponse(status, reply));
  }
  if (method == "getMe") {
    lock.unlock();
    return ex->Reply(http::JsonResponse(
        200,
        R"({"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Story","username":"StoryTestBot"}})"));
  }
  if (method == "sendMessage") {
    SentMessage m;
    m.at = std::chrono::steady_clock::now();
    const auto& chat = params.at("chat_id");
    m.chat_id = chat.is_int64() ? std::to_string(chat.as_int64()) : std::string(chat.as_string());
    m.text = std::string(params.at("text").as_string());
    if (const auto* r = params.if_contains("reply_parameters")) {
      m.reply_to = r->at("message_id").as_int64();
    }
    sent_.push_back(m);
    const std::size_t id = sent_.size();
    http::Response ok = http::JsonResponse(
        200, R"({"ok":true,"result":{"message_id":)" + std::to_string(id) +
                 R"(,"date":1700000000,"chat":{"id":1,"type":"private"},"text":"ok"}})");
    if (hold_next_send_) {
      hold_next_send_ = false;
      held_.emplace_back(ex, std::move(ok));
      return;
    }
    lock.unlock();
    return ex->Reply(std::move(ok));
  }
  if (method == "getUpdates") {
    std::int64_t offset = 0;
    if (const auto* o = params.if_contains("offset")) offset = o->as_int64();
    last_offset_ = offset;
    std::string list;
    for (const auto& [id, json] : updates_) {
      if (id >= offset) list += (list.empty() ? "" : ",") + json;
    }
    lock.unlock();
    if (list.empty()) {
      // Long poll, shortened for tests: answer "nothing" after a moment.
      return server_.ReplyAfter(ex, std::chrono::milliseconds(200),
                                http::JsonResponse(200, R"({"ok":true,"result":[]})"));
    }
    return ex->Reply(http::JsonResponse(200, R"({"ok":true,"result":[)" + list + "]}"));
  }
  lock.unlock();
  ex->Reply(http::JsonResponse(200, R"({"ok":true,"result":true})"));
}

}  // namespace storybot::test
