// A one-shot or periodic timer on a media worker's loop.
#pragma once

#include <chrono>
#include <functional>

struct _GSource;

namespace wrtc::media {

class media_worker;

/// A timer whose callback runs on its worker's thread. Owned by one object on that worker and used
/// from that thread only. Stopping (or destroying) the timer from inside its own callback is
/// allowed. Starting it again replaces the previous schedule.
class worker_timer {
 public:
  // -- constructors and destructors ------------------------------------------

  explicit worker_timer(media_worker& worker) : worker_(&worker) {}

  /// Cancels the timer.
  ~worker_timer();

  worker_timer(const worker_timer&) = delete;
  worker_timer& operator=(const worker_timer&) = delete;

  // -- worker thread ---------------------------------------------------------

  /// Runs `fn` once after `delay`.
  void start_once(std::chrono::milliseconds delay, std::function<void()> fn);

  /// Runs `fn` every `interval` until stopped.
  void start_periodic(std::chrono::milliseconds interval, std::function<void()> fn);

  /// Cancels a pending run; no-op when idle.
  void stop();

  /// Whether a run is still pending.
  bool active() const;

 private:
  void start(std::chrono::milliseconds delay, bool periodic, std::function<void()> fn);

  // Passed by argument.
  media_worker* worker_;
  // Allocated by this: the GLib timeout source (null when never started).
  _GSource* source_{nullptr};
};

}  // namespace wrtc::media
