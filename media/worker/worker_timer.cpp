// A one-shot or periodic timer on a media worker's loop.
#include "media/worker/worker_timer.hpp"

#include <glib.h>

#include <memory>
#include <utility>

#include "media/worker/media_worker.hpp"

namespace wrtc::media {

namespace {

// Owned by the GSource's callback slot: GLib keeps it alive until the dispatch in progress
// returns, so a callback may destroy its own worker_timer safely.
struct timer_callback {
  std::function<void()> fn;
  bool periodic;
};

gboolean on_timeout(gpointer data) {
  auto* cb = static_cast<timer_callback*>(data);
  bool periodic = cb->periodic;
  cb->fn();
  return periodic ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void free_callback(gpointer data) {
  delete static_cast<timer_callback*>(data);
}

}  // namespace

worker_timer::~worker_timer() {
  stop();
}

void worker_timer::start_once(std::chrono::milliseconds delay, std::function<void()> fn) {
  start(delay, false, std::move(fn));
}

void worker_timer::start_periodic(std::chrono::milliseconds interval, std::function<void()> fn) {
  start(interval, true, std::move(fn));
}

void worker_timer::start(std::chrono::milliseconds delay, bool periodic, std::function<void()> fn) {
  stop();
  auto ms = delay.count() < 0 ? 0u : static_cast<guint>(delay.count());
  source_ = g_timeout_source_new(ms);
  g_source_set_callback(source_, &on_timeout, new timer_callback{std::move(fn), periodic},
                        &free_callback);
  g_source_attach(source_, worker_->context());
}

void worker_timer::stop() {
  if (source_ == nullptr) return;
  // Clear the member first: destroying the source frees the callback, whose captures may own
  // whatever holds this timer.
  GSource* source = std::exchange(source_, nullptr);
  g_source_destroy(source);
  g_source_unref(source);
}

bool worker_timer::active() const {
  return source_ != nullptr && !g_source_is_destroyed(source_);
}

}  // namespace wrtc::media
