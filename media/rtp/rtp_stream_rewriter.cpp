// Incoming-to-outgoing RTP stream mapping: loss, reorder, duplicates, restarts, clock conversion.
#include "media/rtp/rtp_stream_rewriter.hpp"

#include "media/rtp/byte_order.hpp"

namespace wrtc::media {

namespace {

// Ticks of `from` clock converted to `to` clock, rounded towards minus infinity so that the
// mapping stays monotonic for packets just before the anchor (reordered ones).
int64_t convert_ticks(int64_t ticks, uint32_t from, uint32_t to) {
  if (from == to || from == 0) {
    return ticks;
  }
  // A hostile peer can grow `ticks` by ~2^31 a packet: the product must not overflow 64 bits
  // (only the result modulo 2^32 is used, so truncating the quotient is harmless).
  __int128 scaled = static_cast<__int128>(ticks) * to;
  __int128 q = scaled / from;
  if (scaled % from != 0 && scaled < 0) {
    --q;
  }
  return static_cast<int64_t>(q);
}

}  // namespace

std::string_view to_string(rtp_arrival a) {
  switch (a) {
    case rtp_arrival::in_order:
      return "in_order";
    case rtp_arrival::new_stream:
      return "new_stream";
    case rtp_arrival::reordered:
      return "reordered";
    case rtp_arrival::duplicate:
      return "duplicate";
    case rtp_arrival::too_old:
      return "too_old";
    case rtp_arrival::out_of_range:
      return "out_of_range";
  }
  return "unknown";
}

rtp_stream_rewriter::rtp_stream_rewriter(const rtp_stream_rewriter_config& cfg) {
  state_.ssrc = cfg.ssrc;
  state_.input_clock_rate = cfg.input_clock_rate == 0 ? 8000 : cfg.input_clock_rate;
  state_.output_clock_rate = cfg.output_clock_rate == 0 ? 8000 : cfg.output_clock_rate;
  state_.next_sequence = cfg.initial_sequence;
  state_.next_timestamp = cfg.initial_timestamp;
  // 20 ms until arrivals or the caller say otherwise.
  state_.timestamp_step = state_.input_clock_rate / 50;
}

rtp_rewrite rtp_stream_rewriter::rewrite(const rtp_packet& in, uint32_t duration) {
  auto& s = state_;
  ++s.packets;
  const uint16_t seq = in.sequence();
  const uint32_t ts = in.timestamp();
  rtp_rewrite r;
  r.marker = in.marker();
  auto accept_as_new_stream = [&] {
    anchor(seq, ts, in.ssrc());
    r.arrival = rtp_arrival::new_stream;
    r.marker = true;
    r.sequence = static_cast<uint16_t>(seq + s.sequence_offset);
    r.timestamp = s.anchor_timestamp;
    note_accepted(r.sequence, r.timestamp, duration);
    return r;
  };
  if (!s.started) {
    return accept_as_new_stream();
  }
  if (in.ssrc() != s.input_ssrc) {
    ++s.ssrc_changes;
    return accept_as_new_stream();
  }
  const int delta = static_cast<int16_t>(static_cast<uint16_t>(seq - s.highest_sequence));
  if (delta > 0 && delta <= max_dropout) {
    s.probation = false;
    s.received_mask = delta >= 64 ? uint64_t{1} : (s.received_mask << delta) | 1u;
    const auto ts_delta = static_cast<int32_t>(ts - s.highest_timestamp);
    // Estimate the packet duration from neighbours when the caller cannot tell; a jump (DTX,
    // a telephone-event) longer than the largest audio packet (120 ms) is not a duration.
    if (duration == 0 && delta == 1 && ts_delta > 0 &&
        static_cast<uint32_t>(ts_delta) <= s.input_clock_rate / 1000 * 120) {
      s.timestamp_step = static_cast<uint32_t>(ts_delta);
    }
    s.timestamp_since_anchor += ts_delta;
    s.highest_sequence = seq;
    s.highest_timestamp = ts;
    s.lost += static_cast<uint64_t>(delta - 1);
    r.arrival = rtp_arrival::in_order;
    r.lost_before = static_cast<uint16_t>(delta - 1);
    r.sequence = static_cast<uint16_t>(seq + s.sequence_offset);
    r.timestamp = output_timestamp(ts);
    note_accepted(r.sequence, r.timestamp, duration);
    return r;
  }
  if (delta <= 0 && -delta < reorder_window) {
    const uint64_t bit = uint64_t{1} << -delta;
    if ((s.received_mask & bit) != 0) {
      ++s.duplicates;
      r.arrival = rtp_arrival::duplicate;
      return r;
    }
    s.received_mask |= bit;
    // It was counted lost when the newer packet arrived; it is not.
    --s.lost;
    ++s.reordered;
    r.arrival = rtp_arrival::reordered;
    r.sequence = static_cast<uint16_t>(seq + s.sequence_offset);
    r.timestamp = output_timestamp(ts);
    return r;
  }
  if (delta < 0 && -delta <= max_misorder) {
    ++s.too_old;
    r.arrival = rtp_arrival::too_old;
    return r;
  }
  if (s.probation && seq == s.probation_sequence) {
    ++s.restarts;
    return accept_as_new_stream();
  }
  ++s.out_of_range;
  s.probation = true;
  s.probation_sequence = static_cast<uint16_t>(seq + 1);
  r.arrival = rtp_arrival::out_of_range;
  return r;
}

void rtp_stream_rewriter::apply(uint8_t* packet, const rtp_rewrite& r) const {
  packet[1] = static_cast<uint8_t>((packet[1] & 0x7f) | (r.marker ? 0x80 : 0x00));
  store_be16(packet + 2, r.sequence);
  store_be32(packet + 4, r.timestamp);
  store_be32(packet + 8, state_.ssrc);
}

uint32_t rtp_stream_rewriter::output_timestamp(uint32_t input_timestamp) const {
  const auto& s = state_;
  const int64_t since_anchor =
      s.timestamp_since_anchor + static_cast<int32_t>(input_timestamp - s.highest_timestamp);
  const int64_t out = convert_ticks(since_anchor, s.input_clock_rate, s.output_clock_rate);
  // Modulo 2^32: the outgoing timestamp wraps like any RTP timestamp.
  return static_cast<uint32_t>(s.anchor_timestamp + static_cast<uint64_t>(out));
}

void rtp_stream_rewriter::anchor(uint16_t sequence, uint32_t timestamp, uint32_t ssrc) {
  auto& s = state_;
  s.started = true;
  s.input_ssrc = ssrc;
  s.highest_sequence = sequence;
  s.highest_timestamp = timestamp;
  // Everything before the anchor counts as seen: mapped, it would reuse outgoing sequence
  // numbers of the previous stream.
  s.received_mask = ~uint64_t{0};
  s.timestamp_since_anchor = 0;
  s.probation = false;
  s.sequence_offset = static_cast<uint16_t>(s.next_sequence - sequence);
  s.anchor_timestamp = s.next_timestamp;
}

void rtp_stream_rewriter::note_accepted(uint16_t out_sequence, uint32_t out_timestamp,
                                        uint32_t duration) {
  auto& s = state_;
  if (duration != 0) {
    s.timestamp_step = duration;
  }
  s.next_sequence = static_cast<uint16_t>(out_sequence + 1);
  s.next_timestamp =
      out_timestamp + static_cast<uint32_t>(
                          convert_ticks(s.timestamp_step, s.input_clock_rate, s.output_clock_rate));
}

}  // namespace wrtc::media
