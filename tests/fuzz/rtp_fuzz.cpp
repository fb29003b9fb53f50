// libFuzzer target: RTP and RTCP datagrams as a media socket receives them (rtcp-mux demux,
// RTP header validation, compound RTCP walking, SR/RR blocks), then the RTP stream rewriter and
// telephone-event payloads that accepted packets reach.
//
// Input layout: byte 0 picks the call setup (clock rates, RTCP port or muxed, packet duration);
// the rest is a run of datagrams, each a 2-byte big-endian length and that many bytes (the last
// one takes what is left). Every datagram is copied into its own allocation of exactly its size,
// so that reading one byte past it is an AddressSanitizer report, not a read of the next one.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "media/codec/telephone_event.hpp"
#include "media/rtp/rtcp_report.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/rtp/rtp_stream_rewriter.hpp"

namespace {

using namespace wrtc::media;

// Enough for a long run of small packets; a run reads the same with more.
constexpr int max_datagrams = 512;
constexpr uint8_t telephone_event_payload_type = 101;

void require(bool ok) {
  if (!ok) std::abort();
}

/// One call leg's receiving side, as byte 0 of the input sets it up.
struct leg {
  bool rtcp_channel;
  uint32_t duration;
  uint32_t input_clock;
  uint32_t output_clock;
};

leg leg_of(uint8_t b) {
  // The transcoder maps 48000 <-> 8000; a relay keeps the clock.
  static constexpr uint32_t clocks[][2] = {
      {48000, 8000}, {8000, 48000}, {8000, 8000}, {48000, 48000}};
  static constexpr uint32_t durations[] = {0, 160, 960, 0xffffffff};
  return leg{(b & 0x80) != 0, durations[(b >> 2) & 3], clocks[b & 3][0], clocks[b & 3][1]};
}

/// What the outgoing stream must look like whatever arrives: no sequence number twice, never
/// backwards beyond the reorder window, a new incoming stream continuing right after the last.
class outgoing_oracle {
 public:
  explicit outgoing_oracle(uint16_t first) : next_(first) {}

  void observe(const rtp_rewrite& r) {
    switch (r.arrival) {
      case rtp_arrival::new_stream:
        require(r.sequence == next_);
        require(r.marker);
        advance(r.sequence);
        break;
      case rtp_arrival::in_order: {
        require(started_);
        auto ahead = static_cast<int16_t>(static_cast<uint16_t>(r.sequence - highest_));
        require(ahead == r.lost_before + 1);
        advance(r.sequence);
        break;
      }
      case rtp_arrival::reordered: {
        require(started_);
        auto behind =
            -static_cast<int>(static_cast<int16_t>(static_cast<uint16_t>(r.sequence - highest_)));
        require(behind > 0 && behind < rtp_stream_rewriter::reorder_window);
        auto bit = uint64_t{1} << behind;
        require((emitted_ & bit) == 0);
        emitted_ |= bit;
        break;
      }
      case rtp_arrival::duplicate:
      case rtp_arrival::too_old:
      case rtp_arrival::out_of_range:
        require(!r.accepted());
        break;
    }
  }

 private:
  void advance(uint16_t sequence) {
    auto ahead = started_ ? static_cast<uint16_t>(sequence - highest_) : uint16_t{1};
    require(ahead > 0);
    emitted_ = ahead >= 64 ? uint64_t{1} : (emitted_ << ahead) | 1u;
    highest_ = sequence;
    next_ = static_cast<uint16_t>(sequence + 1);
    started_ = true;
  }

  bool started_ = false;
  uint16_t highest_ = 0;
  uint16_t next_;
  // Bit i: outgoing sequence highest_ - i was handed out.
  uint64_t emitted_ = 0;
};

void check_rtcp(const std::vector<uint8_t>& d) {
  rtcp_compound_reader reader{d.data(), d.size()};
  size_t walked = 0;
  while (reader.next()) {
    require(reader.packet() == d.data() + walked);
    require(reader.packet_size() >= 4 && reader.packet_size() % 4 == 0);
    walked += reader.packet_size();
    require(walked <= d.size());
    (void)reader.packet_type();
  }
  if (reader.error() == rtcp_parse_error::none) require(walked == d.size());
  (void)to_string(reader.error());

  auto err = for_each_rtcp_report(d.data(), d.size(), [&](const rtcp_report& r) {
    (void)r.sender_ssrc();
    auto info = r.sender_info();
    if (!r.is_sender_report()) require(info.ntp_timestamp == 0 && info.packet_count == 0);
    for (size_t i = 0; i < r.block_count(); ++i) {
      auto b = r.block(i);
      require(b.cumulative_lost >= -(1 << 23) && b.cumulative_lost < (1 << 23));
      require(b.loss_ratio() >= 0.0 && b.loss_ratio() < 1.0);
      (void)b.jitter_seconds(8000);
    }
  });
  (void)to_string(err);
  // The report parser on its own, given a whole datagram as one packet.
  if (auto r = rtcp_report::parse(d.data(), d.size())) {
    for (size_t i = 0; i < r->block_count(); ++i) (void)r->block(i);
  }
}

void check_rtp(const std::vector<uint8_t>& d, const leg& l, rtp_stream_rewriter& rewriter,
               outgoing_oracle& oracle) {
  auto p = rtp_packet::parse(d.data(), d.size());
  (void)to_string(p.error());
  if (!p) return;
  require(p->data() == d.data() && p->size() == d.size());
  require(p->header_size() >= rtp_fixed_header_size + 4 * size_t{p->csrc_count()});
  require(p->header_size() + p->payload_size() + p->padding_size() == p->size());
  if (p->has_padding()) {
    require(p->padding_size() == d.back());
  } else {
    require(p->padding_size() == 0);
  }
  if (p->has_extension()) {
    require(p->extension_data() >= d.data() + rtp_fixed_header_size + 4);
    require(p->extension_data() + p->extension_size() <= d.data() + p->header_size());
  } else {
    require(p->extension_size() == 0 && p->extension_profile() == 0);
  }
  for (size_t i = 0; i < p->csrc_count(); ++i) (void)p->csrc(i);
  (void)p->extension_profile();
  for (size_t i = 0; i < p->extension_size(); ++i) (void)p->extension_data()[i];
  for (size_t i = 0; i < p->payload_size(); ++i) (void)p->payload()[i];

  auto r = rewriter.rewrite(*p, l.duration);
  (void)to_string(r.arrival);
  oracle.observe(r);
  require(rewriter.state().lost < (uint64_t{1} << 63));
  if (r.accepted()) {
    // Relay: rewrite in place, and the result must still parse with the new fields.
    std::vector<uint8_t> out = d;
    rewriter.apply(out.data(), r);
    auto q = rtp_packet::parse(out.data(), out.size());
    require(static_cast<bool>(q));
    require(q->sequence() == r.sequence && q->timestamp() == r.timestamp);
    require(q->ssrc() == rewriter.state().ssrc && q->marker() == r.marker);
    require(q->payload_size() == p->payload_size());
  }

  if (p->payload_type() == telephone_event_payload_type) {
    telephone_event ev;
    bool ok = parse_telephone_event(p->payload(), p->payload_size(), ev);
    require(ok == (p->payload_size() >= 4 && p->payload_size() % 4 == 0));
    if (ok) require(ev.volume < 64);
    std::vector<uint8_t> out(p->payload_size());
    auto n = rescale_telephone_event(p->payload(), p->payload_size(), l.input_clock, l.output_clock,
                                     out.data(), out.size());
    require(n == (ok ? p->payload_size() : 0));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const leg l = leg_of(data[0]);
  rtp_stream_rewriter_config cfg;
  cfg.ssrc = 0x5eed5eed;
  cfg.initial_sequence = 0xfff0;  // wraps within the first few packets
  cfg.initial_timestamp = 0xfffff000;
  cfg.input_clock_rate = l.input_clock;
  cfg.output_clock_rate = l.output_clock;
  rtp_stream_rewriter rewriter{cfg};
  outgoing_oracle oracle{cfg.initial_sequence};

  size_t pos = 1;
  for (int i = 0; i < max_datagrams && pos < size; ++i) {
    size_t len = size - pos;
    if (len >= 2) {
      size_t declared = (size_t{data[pos]} << 8) | data[pos + 1];
      pos += 2;
      len = std::min(declared, size - pos);
    } else {
      pos += len;
      len = 0;
    }
    std::vector<uint8_t> d(data + pos, data + pos + len);
    pos += len;
    // As rtp_socket demultiplexes: RTCP on its own port, or recognised on the RTP port.
    if (l.rtcp_channel || is_rtcp_packet(d.data(), d.size())) {
      check_rtcp(d);
    } else {
      check_rtp(d, l, rewriter, oracle);
    }
  }

  // A header we write reads back as written.
  if (size >= 12) {
    rtp_header h;
    h.payload_type = data[1] & 0x7f;
    h.marker = (data[1] & 0x80) != 0;
    h.sequence = static_cast<uint16_t>((data[2] << 8) | data[3]);
    h.timestamp =
        (uint32_t{data[4]} << 24) | (uint32_t{data[5]} << 16) | (uint32_t{data[6]} << 8) | data[7];
    h.ssrc = (uint32_t{data[8]} << 24) | (uint32_t{data[9]} << 16) | (uint32_t{data[10]} << 8) |
             data[11];
    std::vector<uint8_t> out(rtp_fixed_header_size);
    require(write_rtp_header(out.data(), out.size(), h) == rtp_fixed_header_size);
    auto p = rtp_packet::parse(out.data(), out.size());
    require(static_cast<bool>(p));
    require(p->payload_type() == h.payload_type && p->marker() == h.marker);
    require(p->sequence() == h.sequence && p->timestamp() == h.timestamp && p->ssrc() == h.ssrc);
    require(!is_rtcp_packet(out.data(), out.size()) || h.payload_type >= 64);
  }
  return 0;
}
