#include "core/net/http_transport.h"

#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/net/curl_easy.h"

namespace storybot {
namespace {

HttpCallResult Stopping() {
  HttpCallResult result;
  result.error = "the HTTP client is stopping";
  return result;
}

}  // namespace

// One thread drives a curl multi handle. Everything but Submit() and the destructor runs on it,
// so the transfers map needs no lock.
class CurlTransport::Loop {
 public:
  ~Loop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    if (multi_ == nullptr) return;
    curl_multi_wakeup(multi_);
    if (thread_.joinable()) thread_.join();
    curl_multi_cleanup(multi_);
  }

  void Submit(HttpCall call, Done done) {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_ && multi_ == nullptr) {
        multi_ = curl_multi_init();
        if (multi_ != nullptr) thread_ = std::thread([this] { Run(); });
      }
      if (!stopping_ && multi_ != nullptr) {
        queue_.push_back({std::move(call), std::move(done)});
        done = nullptr;
      }
    }
    if (done) return done(Stopping());
    curl_multi_wakeup(multi_);
  }

 private:
  struct Pending {
    HttpCall call;
    Done done;
  };
  struct Transfer {
    std::unique_ptr<net::CurlEasy> easy;
    Done done;
  };

  void Run() {
    std::vector<Pending> incoming;
    while (true) {
      {
        std::lock_guard lock(mutex_);
        incoming.swap(queue_);
        if (stopping_) break;
      }
      for (Pending& pending : incoming) Begin(std::move(pending));
      incoming.clear();
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg == CURLMSG_DONE) End(message->easy_handle, message->data.result);
      }
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
    for (Pending& pending : incoming) Answer(pending.done, Stopping());
    {
      std::lock_guard lock(mutex_);
      for (Pending& pending : queue_) incoming.push_back(std::move(pending));
      queue_.clear();
    }
    for (Pending& pending : incoming) Answer(pending.done, Stopping());
    auto transfers = std::move(transfers_);
    for (auto& [handle, transfer] : transfers) {
      curl_multi_remove_handle(multi_, handle);
      Answer(transfer.done, Stopping());
    }
  }

  void Begin(Pending pending) {
    auto easy = std::make_unique<net::CurlEasy>(std::move(pending.call));
    CURL* handle = easy->handle();
    if (handle == nullptr) {
      HttpCallResult result;
      result.error = "cannot create an HTTP client";
      return Answer(pending.done, std::move(result));
    }
    const CURLMcode rc = curl_multi_add_handle(multi_, handle);
    if (rc != CURLM_OK) {
      HttpCallResult result;
      result.error = std::string("cannot start the HTTP request: ") + curl_multi_strerror(rc);
      return Answer(pending.done, std::move(result));
    }
    transfers_.emplace(handle, Transfer{std::move(easy), std::move(pending.done)});
  }

  void End(CURL* handle, CURLcode code) {
    auto node = transfers_.extract(handle);
    if (node.empty()) return;
    curl_multi_remove_handle(multi_, handle);
    Answer(node.mapped().done, node.mapped().easy->Finish(code));
  }

  // A throwing callback must not take the loop (and every other call) down.
  static void Answer(Done& done, HttpCallResult result) {
    if (!done) return;
    try {
      done(std::move(result));
    } catch (...) {
    }
  }

  std::mutex mutex_;
  std::vector<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  CURLM* multi_ = nullptr;      // set once, under mutex_, before the thread starts
  std::unordered_map<CURL*, Transfer> transfers_;  // loop thread only
  std::thread thread_;
};

CurlTransport::CurlTransport() : loop_(std::make_unique<Loop>()) {}
CurlTransport::~CurlTransport() = default;

HttpCallResult CurlTransport::Call(const HttpCall& call) { return Perform(call); }

void CurlTransport::Start(HttpCall call, Done done) {
  loop_->Submit(std::move(call), std::move(done));
}

HttpTransport& HttpTransport::Real() {
  static auto* transport = new CurlTransport();  // never destroyed: no shutdown-order hazards
  return *transport;
}

}  // namespace storybot
