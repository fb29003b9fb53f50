// Reception statistics of one incoming RTP stream: loss and jitter (RFC 3550 A.3, A.8).
#pragma once

#include <chrono>
#include <cstdint>

namespace wrtc::media {

/// Plain integers updated on the worker thread, one update per packet, no allocation. Follows
/// one SSRC at a time: a new SSRC starts the loss and jitter bookkeeping afresh (packets and
/// bytes keep counting).
class rtp_receive_stats {
 public:
  explicit rtp_receive_stats(uint32_t clock_rate) : clock_rate_(clock_rate) {}

  /// One packet that passed every check; `arrival` is the worker's clock.
  void on_packet(uint32_t ssrc, uint16_t sequence, uint32_t timestamp, size_t bytes,
                 std::chrono::steady_clock::time_point arrival);

  uint64_t packets() const { return packets_; }
  uint64_t bytes() const { return bytes_; }

  /// Expected minus received for the current SSRC (RFC 3550 A.3; negative with duplicates),
  /// plus what earlier SSRCs lost.
  int64_t lost() const;

  /// Interarrival jitter of the current SSRC in milliseconds (RFC 3550 A.8).
  double jitter_ms() const;

 private:
  uint32_t clock_rate_;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
  // The SSRC being followed.
  bool started_ = false;
  uint32_t ssrc_ = 0;
  uint32_t base_sequence_ = 0;
  uint32_t cycles_ = 0;
  uint16_t max_sequence_ = 0;
  uint64_t received_ = 0;
  int64_t lost_before_ = 0;
  // Jitter, in timestamp units scaled by 16 (RFC 3550 A.8 fixed point).
  bool have_transit_ = false;
  int64_t last_transit_ = 0;
  uint64_t jitter_q4_ = 0;
};

}  // namespace wrtc::media
