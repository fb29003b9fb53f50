// RTP packet validation and header writing.
#include "media/rtp/rtp_packet.hpp"

#include "media/rtp/byte_order.hpp"

namespace wrtc::media {

std::string_view to_string(rtp_parse_error e) {
  switch (e) {
    case rtp_parse_error::none:
      return "none";
    case rtp_parse_error::too_short:
      return "too_short";
    case rtp_parse_error::bad_version:
      return "bad_version";
    case rtp_parse_error::truncated_csrc:
      return "truncated_csrc";
    case rtp_parse_error::truncated_extension:
      return "truncated_extension";
    case rtp_parse_error::bad_padding:
      return "bad_padding";
  }
  return "unknown";
}

parse_result<rtp_packet, rtp_parse_error> rtp_packet::parse(const uint8_t* data, size_t len) {
  if (data == nullptr || len < rtp_fixed_header_size) {
    return rtp_parse_error::too_short;
  }
  if ((data[0] >> 6) != 2) {
    return rtp_parse_error::bad_version;
  }
  rtp_packet p;
  p.data_ = data;
  p.size_ = len;
  size_t header = rtp_fixed_header_size + 4 * size_t{p.csrc_count()};
  if (header > len) {
    return rtp_parse_error::truncated_csrc;
  }
  if (p.has_extension()) {
    if (header + 4 > len) {
      return rtp_parse_error::truncated_extension;
    }
    size_t body = 4 * size_t{load_be16(data + header + 2)};
    if (header + 4 + body > len) {
      return rtp_parse_error::truncated_extension;
    }
    p.extension_offset_ = header + 4;
    p.extension_size_ = body;
    header += 4 + body;
  }
  size_t padding = 0;
  if (p.has_padding()) {
    // The count includes its own octet, so 0 is invalid (RFC 3550 §5.1).
    padding = data[len - 1];
    if (padding == 0 || padding > len - header) {
      return rtp_parse_error::bad_padding;
    }
  }
  p.header_size_ = header;
  p.payload_size_ = len - header - padding;
  return p;
}

uint16_t rtp_packet::sequence() const {
  return load_be16(data_ + 2);
}

uint32_t rtp_packet::timestamp() const {
  return load_be32(data_ + 4);
}

uint32_t rtp_packet::ssrc() const {
  return load_be32(data_ + 8);
}

uint32_t rtp_packet::csrc(size_t i) const {
  return load_be32(data_ + rtp_fixed_header_size + 4 * i);
}

uint16_t rtp_packet::extension_profile() const {
  return has_extension() ? load_be16(data_ + extension_offset_ - 4) : uint16_t{0};
}

size_t write_rtp_header(uint8_t* out, size_t cap, const rtp_header& h) {
  if (out == nullptr || cap < rtp_fixed_header_size || h.payload_type > 127) {
    return 0;
  }
  out[0] = 0x80;
  out[1] = static_cast<uint8_t>((h.marker ? 0x80 : 0x00) | h.payload_type);
  store_be16(out + 2, h.sequence);
  store_be32(out + 4, h.timestamp);
  store_be32(out + 8, h.ssrc);
  return rtp_fixed_header_size;
}

bool is_rtcp_packet(const uint8_t* data, size_t len) {
  if (data == nullptr || len < 4 || (data[0] >> 6) != 2) {
    return false;
  }
  uint8_t pt = data[1] & 0x7f;
  return pt >= 64 && pt <= 95;
}

}  // namespace wrtc::media
