// RTCP sender and receiver reports (RFC 3550 §6.4): walking a compound packet, reading report
// blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/rtp/parse_result.hpp"

namespace wrtc::media {

inline constexpr uint8_t rtcp_type_sender_report = 200;
inline constexpr uint8_t rtcp_type_receiver_report = 201;

/// Why bytes were refused as RTCP.
enum class rtcp_parse_error : uint8_t {
  none,
  /// Shorter than the 4-byte common header (or than an SR/RR's fixed part).
  too_short,
  /// Version field is not 2.
  bad_version,
  /// The length field runs past the end of the datagram.
  bad_length,
  /// `rtcp_report::parse` was given a packet that is neither SR nor RR.
  not_a_report,
  /// The report count announces more blocks than the packet holds.
  truncated_report_blocks,
  /// P bit on a packet that is not the last one, or a padding count that does not fit.
  bad_padding,
};

std::string_view to_string(rtcp_parse_error e);

/// One reception report block: what the peer observed of one of our streams.
struct rtcp_report_block {
  /// The SSRC this block is about (one of ours when the peer reports on us).
  uint32_t ssrc = 0;
  /// Fraction lost since the previous report, fixed point /256.
  uint8_t fraction_lost = 0;
  /// Cumulative packets lost (24-bit signed: duplicates can make it negative).
  int32_t cumulative_lost = 0;
  /// Extended highest sequence number received (cycles << 16 | sequence).
  uint32_t highest_sequence = 0;
  /// Interarrival jitter in RTP timestamp units of the reported stream.
  uint32_t jitter = 0;
  /// Middle 32 bits of the NTP timestamp of the last SR received, 0 if none.
  uint32_t last_sr = 0;
  /// Delay since that SR in 1/65536 s.
  uint32_t delay_since_last_sr = 0;

  /// `fraction_lost` as a ratio in [0, 1).
  double loss_ratio() const { return fraction_lost / 256.0; }

  /// `jitter` in seconds for a stream with the given RTP clock rate.
  double jitter_seconds(uint32_t clock_rate) const {
    return clock_rate == 0 ? 0.0 : static_cast<double>(jitter) / clock_rate;
  }
};

/// The sender info of an SR.
struct rtcp_sender_info {
  uint64_t ntp_timestamp = 0;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
};

/// A validated, non-owning view of one SR or RR packet (the caller's buffer must outlive it).
class rtcp_report {
 public:
  // -- constructors ----------------------------------------------------------

  rtcp_report() = default;

  /// Validates one SR or RR packet; `len` is this packet's size (its length field is checked
  /// against it). Use `rtcp_compound_reader` to split a compound datagram first.
  static parse_result<rtcp_report, rtcp_parse_error> parse(const uint8_t* data, size_t len);

  // -- observers -------------------------------------------------------------

  bool is_sender_report() const { return data_[1] == rtcp_type_sender_report; }
  uint32_t sender_ssrc() const;
  /// The SR's sender info; all zero for an RR.
  rtcp_sender_info sender_info() const;
  size_t block_count() const { return data_[0] & 0x1f; }
  /// The `i`-th report block, `i < block_count()`.
  rtcp_report_block block(size_t i) const;

 private:
  size_t blocks_offset() const { return is_sender_report() ? 28 : 8; }

  // Passed by argument to parse (caller-owned).
  const uint8_t* data_ = nullptr;
};

/// Splits a compound RTCP datagram (RFC 3550 §6.1) into its packets, validating each common
/// header. Allocation-free; the datagram must outlive the reader.
class rtcp_compound_reader {
 public:
  rtcp_compound_reader(const uint8_t* data, size_t len) : data_(data), len_(len) {
    // nop
  }

  /// Moves to the next packet. Returns false at the end of the datagram or on a malformed
  /// packet; `error()` tells which.
  bool next();

  /// Why the walk stopped early; `none` after a clean end.
  rtcp_parse_error error() const { return error_; }

  /// The current packet (valid after `next()` returned true), padding included.
  uint8_t packet_type() const { return data_[offset_ + 1]; }
  const uint8_t* packet() const { return data_ + offset_; }
  size_t packet_size() const { return size_; }

 private:
  // Passed by argument (caller-owned).
  const uint8_t* data_;
  size_t len_;
  // Walk position.
  size_t offset_ = 0;
  size_t size_ = 0;
  bool started_ = false;
  rtcp_parse_error error_ = rtcp_parse_error::none;
};

/// Calls `on_report(const rtcp_report&)` for every SR and RR in a compound datagram and returns
/// the first error met (reports before it have been delivered), `none` if all was well-formed.
template <class OnReport>
rtcp_parse_error for_each_rtcp_report(const uint8_t* data, size_t len, OnReport&& on_report) {
  rtcp_compound_reader reader{data, len};
  while (reader.next()) {
    auto type = reader.packet_type();
    if (type != rtcp_type_sender_report && type != rtcp_type_receiver_report) {
      continue;
    }
    auto report = rtcp_report::parse(reader.packet(), reader.packet_size());
    if (!report) {
      return report.error();
    }
    on_report(*report);
  }
  return reader.error();
}

}  // namespace wrtc::media
