// Reception statistics of one incoming RTP stream: loss and jitter (RFC 3550 A.3, A.8).
#include "media/call/rtp_receive_stats.hpp"

#include <cstdlib>

namespace wrtc::media {

void rtp_receive_stats::on_packet(uint32_t ssrc, uint16_t sequence, uint32_t timestamp,
                                  size_t bytes, std::chrono::steady_clock::time_point arrival) {
  ++packets_;
  bytes_ += bytes;
  if (!started_ || ssrc != ssrc_) {
    if (started_) lost_before_ = lost();
    started_ = true;
    ssrc_ = ssrc;
    base_sequence_ = sequence;
    max_sequence_ = sequence;
    cycles_ = 0;
    received_ = 0;
    have_transit_ = false;
    jitter_q4_ = 0;
  }
  ++received_;
  auto delta = static_cast<uint16_t>(sequence - max_sequence_);
  if (delta != 0 && delta < 0x8000) {
    if (sequence < max_sequence_) cycles_ += 1u << 16;  // wrapped forward
    max_sequence_ = sequence;
  }
  // Arrival in timestamp units; only differences matter, so the clock's epoch is irrelevant.
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(arrival.time_since_epoch());
  auto arrival_ts = static_cast<int64_t>(us.count()) * clock_rate_ / 1000000;
  int64_t transit = arrival_ts - static_cast<int64_t>(timestamp);
  if (have_transit_) {
    // Transit differences wrap with the 32-bit RTP timestamp: reduce to a signed 32-bit step.
    auto d = static_cast<int32_t>(static_cast<uint32_t>(transit - last_transit_));
    uint64_t ad = static_cast<uint64_t>(std::llabs(d));
    // J += (|D| - J) / 16, kept as J*16.
    jitter_q4_ += ad - ((jitter_q4_ + 8) >> 4);
  }
  last_transit_ = transit;
  have_transit_ = true;
}

int64_t rtp_receive_stats::lost() const {
  if (!started_) return lost_before_;
  auto extended_max = static_cast<int64_t>(cycles_) + max_sequence_;
  auto expected = extended_max - static_cast<int64_t>(base_sequence_) + 1;
  return lost_before_ + expected - static_cast<int64_t>(received_);
}

double rtp_receive_stats::jitter_ms() const {
  if (clock_rate_ == 0) return 0.0;
  return (static_cast<double>(jitter_q4_) / 16.0) * 1000.0 / clock_rate_;
}

}  // namespace wrtc::media
