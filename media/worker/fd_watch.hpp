// Readability watch of a file descriptor on a media worker's loop.
#pragma once

#include <functional>

struct _GSource;

namespace wrtc::media {

class media_worker;

/// Calls `on_readable` on the worker thread whenever `fd` is readable (level-triggered: the
/// callback should read until EAGAIN, or it runs again on the next iteration). Owned by the
/// object that owns the descriptor, on the worker thread; destroy it before closing the fd.
class fd_watch {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Starts watching at once.
  fd_watch(media_worker& worker, int fd, std::function<void()> on_readable);

  /// Stops watching (does not close the descriptor).
  ~fd_watch();

  fd_watch(const fd_watch&) = delete;
  fd_watch& operator=(const fd_watch&) = delete;

 private:
  // Allocated by this: the GLib unix-fd source.
  _GSource* source_{nullptr};
};

}  // namespace wrtc::media
