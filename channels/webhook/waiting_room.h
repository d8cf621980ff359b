#pragma once
// The sync-answer waiting room: POST /webhooks/{integration} requests without a callback_url wait
// here for their story. A waiter is answered 200 with the story when its job's reply is written
// within the sync timeout, else 202 + where to poll (docs/webhooks.md). The timeout starts when
// the delivery is enqueued (its job id known); a waiter entered earlier waits for that. The timer
// runs on `clock` (core/clock.h), so tests move it with a FakeClock. Thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "http/exchange.h"

namespace storybot::webhook {

// 202 {"job_id","status":"pending","status_url"} with Location: where the job's status is polled.
http::Response AcceptedResponse(const std::string& integration, std::int64_t job_id);

class WaitingRoom {
 public:
  WaitingRoom(Clock& clock, std::chrono::seconds timeout);
  ~WaitingRoom();
  WaitingRoom(const WaitingRoom&) = delete;
  WaitingRoom& operator=(const WaitingRoom&) = delete;

  void Start();  // the timer thread
  // Stops the timer; every waiter left is answered 202 (it learns where to poll).
  void Stop();

  // `exchange` waits for the answer of delivery `key`; before the delivery is enqueued, since its
  // reply may be written before Enqueued() runs.
  void Enter(const std::string& key, http::ExchangePtr exchange, std::string integration);
  // Its delivery could not be enqueued: the caller answers the error.
  void Leave(const std::string& key, const http::ExchangePtr& exchange);
  // The delivery is job `job_id`: the timeout starts now.
  void Enqueued(const std::string& key, const http::ExchangePtr& exchange, std::int64_t job_id);
  // Answers every waiter of `key` 200 with `body` (serialised JSON); how many there were.
  std::size_t Answer(const std::string& key, const std::string& body);

  // Answers 202 to the waiters past their deadline; how many. The timer thread calls it; tests
  // may too.
  std::size_t ExpireDue();

 private:
  struct Waiter {
    http::ExchangePtr exchange;
    std::string integration;
    std::int64_t job_id = 0;
    Clock::SteadyTime deadline = Clock::SteadyTime::max();
  };
  void TimerLoop();

  Clock& clock_;
  const std::chrono::seconds timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<std::string, Waiter> waiters_;  // by delivery key
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace storybot::webhook
