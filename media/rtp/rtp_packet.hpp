// A validated, non-owning view of one RTP packet (RFC 3550 §5.1), and writing our own headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/rtp/parse_result.hpp"

namespace wrtc::media {

/// Size of the fixed RTP header (no CSRC, no extension).
inline constexpr size_t rtp_fixed_header_size = 12;

/// Why bytes were refused as an RTP packet.
enum class rtp_parse_error : uint8_t {
  none,
  /// Shorter than the 12-byte fixed header.
  too_short,
  /// Version field is not 2.
  bad_version,
  /// The CSRC list announced by CC runs past the end.
  truncated_csrc,
  /// The header extension (X bit) runs past the end.
  truncated_extension,
  /// P bit set with a padding count of 0 or larger than what follows the header.
  bad_padding,
};

std::string_view to_string(rtp_parse_error e);

/// Points into a caller-owned buffer that must outlive it. Every accessor is valid for a packet
/// returned by `parse`, which checked all lengths: the hot path reads without further checks.
class rtp_packet {
 public:
  // -- constructors ----------------------------------------------------------

  /// An empty view (what a failed parse_result holds).
  rtp_packet() = default;

  /// Validates `data[0..len)` as an RTP packet. Does not classify RTCP: demultiplex with
  /// `is_rtcp_packet` first when RTP and RTCP share a port (rtcp-mux).
  static parse_result<rtp_packet, rtp_parse_error> parse(const uint8_t* data, size_t len);

  // -- fixed header ----------------------------------------------------------

  bool has_padding() const { return (data_[0] & 0x20) != 0; }
  bool has_extension() const { return (data_[0] & 0x10) != 0; }
  uint8_t csrc_count() const { return data_[0] & 0x0f; }
  bool marker() const { return (data_[1] & 0x80) != 0; }
  uint8_t payload_type() const { return data_[1] & 0x7f; }
  uint16_t sequence() const;
  uint32_t timestamp() const;
  uint32_t ssrc() const;

  /// The `i`-th contributing source, `i < csrc_count()`.
  uint32_t csrc(size_t i) const;

  // -- header extension (RFC 3550 §5.3.1; RFC 8285 one- or two-byte elements inside) ----------

  /// The 16-bit profile field (0xBEDE for one-byte elements); 0 without extension.
  uint16_t extension_profile() const;
  /// The extension body after its 4-byte header; empty without extension.
  const uint8_t* extension_data() const { return data_ + extension_offset_; }
  size_t extension_size() const { return extension_size_; }

  // -- layout ----------------------------------------------------------------

  /// The whole packet as given to `parse` (header, payload and padding).
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  /// Fixed header + CSRC list + extension: where the payload starts.
  size_t header_size() const { return header_size_; }
  const uint8_t* payload() const { return data_ + header_size_; }
  /// Payload bytes, padding excluded.
  size_t payload_size() const { return payload_size_; }
  size_t padding_size() const { return size_ - header_size_ - payload_size_; }

 private:
  // Passed by argument to parse (caller-owned).
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  // Computed by parse.
  size_t header_size_ = 0;
  size_t payload_size_ = 0;
  size_t extension_offset_ = 0;
  size_t extension_size_ = 0;
};

/// The header fields we set on packets we originate (no CSRC, no extension, no padding).
struct rtp_header {
  uint8_t payload_type = 0;
  bool marker = false;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
};

/// Writes a 12-byte RTP header to `out`. Returns the bytes written, or 0 when `cap` is smaller
/// than 12 or the payload type does not fit in 7 bits.
size_t write_rtp_header(uint8_t* out, size_t cap, const rtp_header& h);

/// RFC 5761 §4 demultiplexing on an rtcp-mux port: version 2 and a second byte in 192..223
/// (payload type 64..95 once the marker bit is masked) mean RTCP (SR 200, RR 201, SDES, BYE,
/// APP, RTPFB 205, PSFB 206, XR 207). Needs the 4-byte common RTCP header.
bool is_rtcp_packet(const uint8_t* data, size_t len);

}  // namespace wrtc::media
