// Maps one incoming RTP stream onto one outgoing stream of ours: SSRC, sequence, timestamp, clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/rtp/rtp_packet.hpp"

namespace wrtc::media {

/// How the outgoing stream looks.
struct rtp_stream_rewriter_config {
  /// Our SSRC on the outgoing side.
  uint32_t ssrc = 0;
  /// First outgoing sequence number and timestamp (RFC 3550: random; the caller draws them).
  uint16_t initial_sequence = 0;
  uint32_t initial_timestamp = 0;
  /// RTP clock of the incoming stream and of the outgoing one (48000 for Opus, 8000 for G.711).
  uint32_t input_clock_rate = 8000;
  uint32_t output_clock_rate = 8000;
};

/// What an incoming packet is, relative to what came before.
enum class rtp_arrival : uint8_t {
  /// Newer than every packet so far; `lost_before` packets are missing just before it.
  in_order,
  /// First packet, a new incoming SSRC, or a confirmed restart (RFC 3550 A.1 probation): the
  /// outgoing stream continues seamlessly from where it was.
  new_stream,
  /// Older than the newest, not seen yet, inside the 64-packet window.
  reordered,
  /// Seen before (or the newest again).
  duplicate,
  /// Older than the window: too late to be of use.
  too_old,
  /// A jump larger than loss can explain; kept on probation and dropped. When the next packet
  /// follows it, the stream restarted and that next packet is `new_stream`.
  out_of_range,
};

std::string_view to_string(rtp_arrival a);

/// The verdict on one packet and, when accepted, its outgoing sequence number and timestamp.
struct rtp_rewrite {
  rtp_arrival arrival = rtp_arrival::in_order;
  /// Sequence numbers skipped right before this packet (in_order only).
  uint16_t lost_before = 0;
  /// The incoming marker, or set because the stream was re-anchored (new_stream).
  bool marker = false;
  /// Outgoing sequence number (incoming + a constant offset per incoming stream).
  uint16_t sequence = 0;
  /// Outgoing timestamp, converted to the output clock (continuous across streams).
  uint32_t timestamp = 0;

  /// True for the packets worth forwarding (in_order, new_stream, reordered).
  bool accepted() const {
    return arrival == rtp_arrival::in_order || arrival == rtp_arrival::new_stream ||
           arrival == rtp_arrival::reordered;
  }
};

/// The whole state: plain data, copied as-is for migration and shown as-is for inspection.
struct rtp_stream_rewriter_state {
  // -- configuration (fixed at construction) ---------------------------------
  uint32_t ssrc = 0;
  uint32_t input_clock_rate = 8000;
  uint32_t output_clock_rate = 8000;

  // -- incoming stream -------------------------------------------------------
  /// False until the first packet.
  bool started = false;
  uint32_t input_ssrc = 0;
  /// Newest sequence number and its timestamp.
  uint16_t highest_sequence = 0;
  uint32_t highest_timestamp = 0;
  /// Bit i set: `highest_sequence - i` arrived (duplicate and reorder detection).
  uint64_t received_mask = 0;
  /// Input ticks from the anchor packet to the newest one (unwrapped, so 2^32 wraps are smooth).
  int64_t timestamp_since_anchor = 0;
  /// Input ticks one packet covers: the caller's duration, else estimated from arrivals.
  uint32_t timestamp_step = 0;
  /// RFC 3550 A.1 probation after an out-of-range jump: the sequence that confirms a restart.
  bool probation = false;
  uint16_t probation_sequence = 0;

  // -- mapping onto the outgoing stream --------------------------------------
  /// Outgoing sequence = incoming + offset (mod 2^16).
  uint16_t sequence_offset = 0;
  /// Outgoing timestamp of the anchor packet.
  uint32_t anchor_timestamp = 0;
  /// Where a new incoming stream continues: after the newest outgoing packet.
  uint16_t next_sequence = 0;
  uint32_t next_timestamp = 0;

  // -- counters --------------------------------------------------------------
  uint64_t packets = 0;
  uint64_t lost = 0;
  uint64_t reordered = 0;
  uint64_t duplicates = 0;
  uint64_t too_old = 0;
  uint64_t out_of_range = 0;
  uint64_t ssrc_changes = 0;
  uint64_t restarts = 0;
};

/// One per direction of a call leg; lives on the thread of that call (no locks). O(1) per
/// packet, no allocation.
class rtp_stream_rewriter {
 public:
  /// Packets older than the newest by this many or more are `too_old` (or out_of_range).
  static constexpr uint16_t reorder_window = 64;
  /// RFC 3550 A.1: a forward jump up to this many is loss, beyond it a possible restart.
  static constexpr uint16_t max_dropout = 3000;
  /// RFC 3550 A.1: a backward jump up to this many is a late packet, beyond it a possible restart.
  static constexpr uint16_t max_misorder = 100;

  // -- constructors ----------------------------------------------------------

  explicit rtp_stream_rewriter(const rtp_stream_rewriter_config& cfg);

  /// Resumes from a state taken with `state()` (e.g. on another node after migration).
  explicit rtp_stream_rewriter(const rtp_stream_rewriter_state& st) : state_(st) {
    // nop
  }

  // -- packet path -----------------------------------------------------------

  /// Classifies `in` and computes its outgoing sequence number and timestamp. `duration` is
  /// the packet's length in input clock ticks when the caller knows it (decoded audio), 0 for
  /// "estimate from arrivals" (relay, telephone-event).
  rtp_rewrite rewrite(const rtp_packet& in, uint32_t duration = 0);

  /// Writes the verdict's sequence number, timestamp, marker and our SSRC into the header of
  /// the packet it was computed for (relay: rewrite in place, then protect).
  void apply(uint8_t* packet, const rtp_rewrite& r) const;

  /// The outgoing timestamp of an incoming one on the current stream (no state change).
  uint32_t output_timestamp(uint32_t input_timestamp) const;

  // -- state -----------------------------------------------------------------

  const rtp_stream_rewriter_state& state() const { return state_; }

 private:
  void anchor(uint16_t sequence, uint32_t timestamp, uint32_t ssrc);
  void note_accepted(uint16_t out_sequence, uint32_t out_timestamp, uint32_t duration);

  // Owned by this: all of it is plain data.
  rtp_stream_rewriter_state state_;
};

}  // namespace wrtc::media
