#pragma once
// A fixed set of threads for blocking work (SQLite writes with fsync, file reads) so that I/O
// threads never block. Tasks run in FIFO order; Stop() runs what is queued, then joins.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace storybot {

class WorkPool {
 public:
  explicit WorkPool(std::size_t threads);
  ~WorkPool() { Stop(); }
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `task`; after Stop() it runs on the caller's thread instead of being dropped.
  void Post(std::function<void()> task);
  void Stop();

 private:
  void Loop();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace storybot
