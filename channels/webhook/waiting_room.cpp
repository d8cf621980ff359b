#include "channels/webhook/waiting_room.h"

#include <boost/json.hpp>
#include <vector>

namespace storybot::webhook {

http::Response AcceptedResponse(const std::string& integration, std::int64_t job_id) {
  const std::string status_url = "/webhooks/" + integration + "/jobs/" + std::to_string(job_id);
  boost::json::object o{{"job_id", job_id}, {"status", "pending"}, {"status_url", status_url}};
  http::Response r = http::JsonResponse(202, boost::json::serialize(o));
  r.Set("Location", status_url);
  return r;
}

WaitingRoom::WaitingRoom(Clock& clock, std::chrono::seconds timeout)
    : clock_(clock), timeout_(timeout) {}

WaitingRoom::~WaitingRoom() { Stop(); }

void WaitingRoom::Start() {
  std::lock_guard lock(mutex_);
  if (stopping_ || timer_.joinable()) return;
  timer_ = std::thread([this] { TimerLoop(); });
}

void WaitingRoom::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  std::multimap<std::string, Waiter> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(waiters_);
  }
  for (auto& [key, w] : left) w.exchange->Reply(AcceptedResponse(w.integration, w.job_id));
}

void WaitingRoom::Enter(const std::string& key, http::ExchangePtr exchange,
                        std::string integration) {
  std::lock_guard lock(mutex_);
  waiters_.emplace(key, Waiter{std::move(exchange), std::move(integration)});
}

void WaitingRoom::Leave(const std::string& key, const http::ExchangePtr& exchange) {
  std::lock_guard lock(mutex_);
  auto range = waiters_.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.exchange == exchange) {
      waiters_.erase(it);
      return;
    }
  }
}

void WaitingRoom::Enqueued(const std::string& key, const http::ExchangePtr& exchange,
                           std::int64_t job_id) {
  {
    std::lock_guard lock(mutex_);
    auto range = waiters_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.exchange != exchange) continue;
      it->second.job_id = job_id;
      it->second.deadline = clock_.SteadyNow() + timeout_;
    }
  }
  wake_.notify_all();
}

std::size_t WaitingRoom::Answer(const std::string& key, const std::string& body) {
  std::vector<Waiter> ready;
  {
    std::lock_guard lock(mutex_);
    auto range = waiters_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) ready.push_back(std::move(it->second));
    waiters_.erase(range.first, range.second);
  }
  for (Waiter& w : ready) w.exchange->Reply(http::JsonResponse(200, body));
  return ready.size();
}

std::size_t WaitingRoom::ExpireDue() {
  std::vector<Waiter> expired;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.SteadyNow();
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(std::move(it->second));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const Waiter& w : expired) w.exchange->Reply(AcceptedResponse(w.integration, w.job_id));
  return expired.size();
}

void WaitingRoom::TimerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    ExpireDue();  // replies outside the lock
    lock.lock();
    if (stopping_) break;
    // At most a second between looks; sooner when a deadline comes first.
    auto next = clock_.SteadyNow() + std::chrono::seconds(1);
    for (const auto& [key, w] : waiters_) next = std::min(next, w.deadline);
    clock_.WaitUntil(wake_, lock, next);
  }
}

}  // namespace storybot::webhook
