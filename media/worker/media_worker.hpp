// One media worker: a thread running its own GLib main context, with a thread-safe post().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// GLib types stay opaque to users of the worker; only media/worker/*.cpp and the libnice wrapper
// touch them.
struct _GMainContext;
struct _GMainLoop;
struct _GSource;

namespace wrtc::media {

/// A thread with one `GMainContext` + `GMainLoop`. Everything placed on a worker (libnice agents,
/// RTP sockets, timers, the calls built from them) is created, used and destroyed on its thread;
/// other threads reach it only through post(). The loop is the context's thread-default, so GLib
/// code that looks up "the current context" (libnice's close_async) lands here too.
class media_worker {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Creates the context; the thread starts with start().
  explicit media_worker(std::string name);

  /// Stops and joins the thread (see stop()).
  ~media_worker();

  media_worker(const media_worker&) = delete;
  media_worker& operator=(const media_worker&) = delete;

  // -- any thread ------------------------------------------------------------

  /// Starts the thread. Calling it twice is a no-op.
  void start();

  /// Quits the loop, runs the tasks still queued (so that posted tear-downs happen on the worker
  /// thread), then joins. Idempotent. Must not be called from the worker thread itself.
  void stop();

  /// Queues `fn` to run on the worker thread, in post order, and returns at once. Never runs `fn`
  /// inline, even from the worker thread. Returns false (and drops `fn`) once the worker stopped.
  bool post(std::function<void()> fn);

  /// Whether the caller runs on this worker's thread.
  bool in_worker_thread() const;

  /// The worker's name (thread name, logs).
  const std::string& name() const { return name_; }

  /// Calls placed on this worker; the engine's placement counter (read on any thread).
  int load() const { return load_.load(std::memory_order_relaxed); }
  void add_load(int delta) { load_.fetch_add(delta, std::memory_order_relaxed); }

  /// Tasks run so far (tests, diagnostics).
  uint64_t tasks_run() const { return tasks_run_.load(std::memory_order_relaxed); }

  // -- wrappers on this worker -----------------------------------------------

  /// The context for the wrappers that attach sources to it (worker_timer, fd_watch, ice_agent).
  _GMainContext* context() const { return context_; }

  /// Runs one iteration of the context from the calling thread: only for tests that drive a
  /// worker that was never started. Returns whether something was dispatched.
  bool iterate(bool may_block);

 private:
  void run();
  void drain(bool until_empty);
  // The task source's dispatch function (GSourceFuncs::dispatch).
  static int dispatch_tasks(_GSource* source, int (*callback)(void*), void* user_data);

  std::string name_;
  // Allocated by this.
  _GMainContext* context_{nullptr};
  // Allocated by this.
  _GMainLoop* loop_{nullptr};
  // Allocated by this: the source that runs queued tasks; woken by post().
  _GSource* task_source_{nullptr};
  // Allocated by this.
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_{};

  // Touched from any thread, under tasks_mutex_ (never on a packet path: posts are control work).
  std::mutex tasks_mutex_;
  std::vector<std::function<void()>> tasks_;
  bool accepting_{true};
  bool started_{false};
  bool stopped_{false};

  std::atomic<int> load_{0};
  std::atomic<uint64_t> tasks_run_{0};
};

}  // namespace wrtc::media
