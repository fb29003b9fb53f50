// The media port range of the process, shared by every worker.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace wrtc::media {

/// Hands out UDP ports from `[port_min, port_max]` to ICE agents (one port each, rtcp-mux) and
/// SIP-side RTP sockets (an even RTP port and RTP+1 for RTCP). Thread-safe: called once per call
/// setup and tear-down, never per packet. Next-fit from a rotating cursor, so that a released
/// port is reused only after the rest of the range was handed out: stray packets of an ended
/// call rarely reach the next call on the same port.
class port_allocator {
 public:
  // -- constructors and destructors ------------------------------------------

  /// An empty range (min > max) hands out nothing.
  port_allocator(uint16_t port_min, uint16_t port_max);

  // -- any thread ------------------------------------------------------------

  /// One free port, or nothing when the range is exhausted.
  std::optional<uint16_t> acquire();

  /// An even free port P with P+1 also free (both taken), or nothing.
  std::optional<uint16_t> acquire_pair();

  /// Returns a port to the range. Releasing a port not handed out is ignored.
  void release(uint16_t port);

  /// Returns both ports of a pair.
  void release_pair(uint16_t port) {
    release(port);
    release(static_cast<uint16_t>(port + 1));
  }

  /// Ports currently handed out.
  size_t in_use() const;

  /// Size of the range.
  size_t capacity() const { return used_.size(); }

 private:
  uint16_t port_min_;
  mutable std::mutex mutex_;
  // Guarded by mutex_: one flag per port of the range, and where the next search starts.
  std::vector<bool> used_;
  size_t cursor_{0};
  size_t in_use_{0};
};

}  // namespace wrtc::media
