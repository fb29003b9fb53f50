// Readability watch of a file descriptor on a media worker's loop.
#include "media/worker/fd_watch.hpp"

#include <glib-unix.h>
#include <glib.h>

#include <utility>

#include "media/worker/media_worker.hpp"

namespace wrtc::media {

namespace {

// Owned by the source's callback slot (kept alive by GLib during a dispatch).
struct watch_callback {
  std::function<void()> fn;
};

gboolean on_fd_ready(gint, GIOCondition, gpointer data) {
  static_cast<watch_callback*>(data)->fn();
  return G_SOURCE_CONTINUE;
}

void free_callback(gpointer data) {
  delete static_cast<watch_callback*>(data);
}

}  // namespace

fd_watch::fd_watch(media_worker& worker, int fd, std::function<void()> on_readable) {
  // G_IO_ERR/HUP: a UDP socket reports an ICMP error as readable-with-error; the callback's read
  // clears it (recvfrom returns the error), so the source does not spin.
  source_ = g_unix_fd_source_new(fd, static_cast<GIOCondition>(G_IO_IN | G_IO_ERR | G_IO_HUP));
  g_source_set_callback(source_, G_SOURCE_FUNC(on_fd_ready),
                        new watch_callback{std::move(on_readable)}, &free_callback);
  g_source_attach(source_, worker.context());
}

fd_watch::~fd_watch() {
  g_source_destroy(source_);
  g_source_unref(source_);
}

}  // namespace wrtc::media
