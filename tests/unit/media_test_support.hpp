// Helpers of the media unit suites: waiting on conditions with deadlines, never fixed sleeps.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "media/worker/media_worker.hpp"
#include "media/worker/worker_timer.hpp"

namespace wrtc::test {

/// Runs the loop of a worker that was never started, from the test thread, until `done()` or the
/// deadline. A 5 ms tick keeps a blocking iteration from sleeping past the deadline.
inline bool drive_until(media::media_worker& worker, const std::function<bool()>& done,
                        std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  media::worker_timer tick{worker};
  tick.start_periodic(std::chrono::milliseconds{5}, [] {});
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    worker.iterate(true);
  }
  return true;
}

/// State shared between a worker thread and the test thread, with waiting on a condition.
class waiter {
 public:
  /// Runs `fn` under the lock and wakes waiters.
  template <class F>
  void update(F&& fn) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      fn();
    }
    cv_.notify_all();
  }

  /// Waits until `pred()` (evaluated under the lock) holds, or the deadline passes.
  template <class P>
  bool wait(P&& pred, std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    std::unique_lock<std::mutex> lock{mutex_};
    return cv_.wait_for(lock, timeout, pred);
  }

  /// Reads under the lock.
  template <class F>
  auto read(F&& fn) {
    std::lock_guard<std::mutex> guard{mutex_};
    return fn();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace wrtc::test
