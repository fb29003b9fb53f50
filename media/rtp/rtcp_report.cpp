// RTCP compound walking and SR/RR report block decoding.
#include "media/rtp/rtcp_report.hpp"

#include "media/rtp/byte_order.hpp"

namespace wrtc::media {

namespace {

constexpr size_t common_header_size = 4;
constexpr size_t report_block_size = 24;

}  // namespace

std::string_view to_string(rtcp_parse_error e) {
  switch (e) {
    case rtcp_parse_error::none:
      return "none";
    case rtcp_parse_error::too_short:
      return "too_short";
    case rtcp_parse_error::bad_version:
      return "bad_version";
    case rtcp_parse_error::bad_length:
      return "bad_length";
    case rtcp_parse_error::not_a_report:
      return "not_a_report";
    case rtcp_parse_error::truncated_report_blocks:
      return "truncated_report_blocks";
    case rtcp_parse_error::bad_padding:
      return "bad_padding";
  }
  return "unknown";
}

// -- rtcp_report --------------------------------------------------------------

parse_result<rtcp_report, rtcp_parse_error> rtcp_report::parse(const uint8_t* data, size_t len) {
  if (data == nullptr || len < 8) {
    return rtcp_parse_error::too_short;
  }
  if ((data[0] >> 6) != 2) {
    return rtcp_parse_error::bad_version;
  }
  if (data[1] != rtcp_type_sender_report && data[1] != rtcp_type_receiver_report) {
    return rtcp_parse_error::not_a_report;
  }
  size_t declared = (size_t{load_be16(data + 2)} + 1) * 4;
  if (declared != len) {
    return rtcp_parse_error::bad_length;
  }
  size_t usable = len;
  if ((data[0] & 0x20) != 0) {
    size_t padding = data[len - 1];
    if (padding == 0 || padding > len - 8) {
      return rtcp_parse_error::bad_padding;
    }
    usable -= padding;
  }
  rtcp_report r;
  r.data_ = data;
  if (usable < r.blocks_offset()) {
    return rtcp_parse_error::too_short;
  }
  if (r.blocks_offset() + r.block_count() * report_block_size > usable) {
    return rtcp_parse_error::truncated_report_blocks;
  }
  return r;
}

uint32_t rtcp_report::sender_ssrc() const {
  return load_be32(data_ + 4);
}

rtcp_sender_info rtcp_report::sender_info() const {
  rtcp_sender_info info;
  if (!is_sender_report()) {
    return info;
  }
  info.ntp_timestamp = (uint64_t{load_be32(data_ + 8)} << 32) | load_be32(data_ + 12);
  info.rtp_timestamp = load_be32(data_ + 16);
  info.packet_count = load_be32(data_ + 20);
  info.octet_count = load_be32(data_ + 24);
  return info;
}

rtcp_report_block rtcp_report::block(size_t i) const {
  const uint8_t* p = data_ + blocks_offset() + i * report_block_size;
  rtcp_report_block b;
  b.ssrc = load_be32(p);
  b.fraction_lost = p[4];
  // 24-bit two's complement: shift into the top of an int32, then back down arithmetically.
  uint32_t raw = (uint32_t{p[5]} << 16) | (uint32_t{p[6]} << 8) | p[7];
  b.cumulative_lost = static_cast<int32_t>(raw << 8) >> 8;
  b.highest_sequence = load_be32(p + 8);
  b.jitter = load_be32(p + 12);
  b.last_sr = load_be32(p + 16);
  b.delay_since_last_sr = load_be32(p + 20);
  return b;
}

// -- rtcp_compound_reader -----------------------------------------------------

bool rtcp_compound_reader::next() {
  if (error_ != rtcp_parse_error::none) {
    return false;
  }
  if (started_) {
    offset_ += size_;
  }
  started_ = true;
  if (data_ == nullptr || offset_ >= len_) {
    return false;
  }
  size_t left = len_ - offset_;
  const uint8_t* p = data_ + offset_;
  if (left < common_header_size) {
    error_ = rtcp_parse_error::too_short;
    return false;
  }
  if ((p[0] >> 6) != 2) {
    error_ = rtcp_parse_error::bad_version;
    return false;
  }
  size_t size = (size_t{load_be16(p + 2)} + 1) * 4;
  if (size > left) {
    error_ = rtcp_parse_error::bad_length;
    return false;
  }
  // Only the last packet of a compound may be padded (RFC 3550 A.2).
  if ((p[0] & 0x20) != 0) {
    size_t padding = p[size - 1];
    if (size != left || padding == 0 || padding > size - common_header_size) {
      error_ = rtcp_parse_error::bad_padding;
      return false;
    }
  }
  size_ = size;
  return true;
}

}  // namespace wrtc::media
