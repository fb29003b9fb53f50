// One media worker: a thread running its own GLib main context, with a thread-safe post().
#include "media/worker/media_worker.hpp"

#include <glib.h>
#include <pthread.h>

#include <utility>

namespace wrtc::media {

namespace {

// A GSource that carries its worker. post() makes it ready with g_source_set_ready_time(0),
// which is safe from any thread and wakes the context; its dispatch drains the task queue.
struct task_source {
  GSource base;
  media_worker* worker;
};

}  // namespace

// -- constructors and destructors ---------------------------------------------

media_worker::media_worker(std::string name) : name_(std::move(name)) {
  context_ = g_main_context_new();
  loop_ = g_main_loop_new(context_, FALSE);
  static GSourceFuncs funcs = {
      nullptr,                        // prepare: readiness comes from the ready time alone
      nullptr,                        // check
      &media_worker::dispatch_tasks,  // dispatch
      nullptr,                        // finalize
      nullptr,
      nullptr,
  };
  task_source_ = g_source_new(&funcs, sizeof(task_source));
  reinterpret_cast<task_source*>(task_source_)->worker = this;
  g_source_set_ready_time(task_source_, -1);
  g_source_set_name(task_source_, "wrtc-worker-tasks");
  g_source_attach(task_source_, context_);
}

media_worker::~media_worker() {
  stop();
  g_source_destroy(task_source_);
  g_source_unref(task_source_);
  g_main_loop_unref(loop_);
  g_main_context_unref(context_);
}

// -- any thread ---------------------------------------------------------------

void media_worker::start() {
  {
    std::lock_guard<std::mutex> guard{tasks_mutex_};
    if (started_ || stopped_) return;
    started_ = true;
  }
  thread_ = std::thread{[this] { run(); }};
}

void media_worker::stop() {
  bool was_started = false;
  {
    std::lock_guard<std::mutex> guard{tasks_mutex_};
    if (stopped_) return;
    stopped_ = true;
    was_started = started_;
  }
  if (was_started) {
    // Quit from inside the loop: a g_main_loop_quit() that lands before g_main_loop_run() starts
    // is forgotten by GLib. Queued behind the tasks already posted; run() drains the rest.
    {
      std::lock_guard<std::mutex> guard{tasks_mutex_};
      tasks_.push_back([this] { g_main_loop_quit(loop_); });
    }
    g_source_set_ready_time(task_source_, 0);
    if (thread_.joinable()) thread_.join();
  } else {
    // Never started: whatever was built on this context was built by the caller's thread.
    drain(true);
  }
  std::lock_guard<std::mutex> guard{tasks_mutex_};
  accepting_ = false;
  tasks_.clear();
}

bool media_worker::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> guard{tasks_mutex_};
    if (!accepting_) return false;
    tasks_.push_back(std::move(fn));
  }
  g_source_set_ready_time(task_source_, 0);
  return true;
}

bool media_worker::in_worker_thread() const {
  return thread_id_.load(std::memory_order_acquire) == std::this_thread::get_id();
}

bool media_worker::iterate(bool may_block) {
  return g_main_context_iteration(context_, may_block ? TRUE : FALSE) != FALSE;
}

// -- worker thread ------------------------------------------------------------

void media_worker::run() {
  thread_id_.store(std::this_thread::get_id(), std::memory_order_release);
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  g_main_context_push_thread_default(context_);
  g_main_loop_run(loop_);
  // Tear-downs posted before stop() still run here, on the thread that owns their objects.
  // Tasks they post in turn are refused from now on.
  {
    std::lock_guard<std::mutex> guard{tasks_mutex_};
    accepting_ = false;
  }
  drain(true);
  g_main_context_pop_thread_default(context_);
}

void media_worker::drain(bool until_empty) {
  std::vector<std::function<void()>> batch;
  for (bool first = true; first || until_empty; first = false) {
    {
      std::lock_guard<std::mutex> guard{tasks_mutex_};
      if (tasks_.empty()) return;
      batch.swap(tasks_);
    }
    for (auto& fn : batch) {
      fn();
      tasks_run_.fetch_add(1, std::memory_order_relaxed);
    }
    batch.clear();
  }
}

int media_worker::dispatch_tasks(GSource* source, GSourceFunc, void*) {
  auto* self = reinterpret_cast<task_source*>(source)->worker;
  // Reset before draining: a post() racing with the drain re-arms the source. One batch per
  // dispatch, so that a task posting tasks cannot starve the sockets.
  g_source_set_ready_time(source, -1);
  self->drain(false);
  bool more = false;
  {
    std::lock_guard<std::mutex> guard{self->tasks_mutex_};
    more = !self->tasks_.empty();
  }
  if (more) g_source_set_ready_time(source, 0);
  return G_SOURCE_CONTINUE;
}

}  // namespace wrtc::media
