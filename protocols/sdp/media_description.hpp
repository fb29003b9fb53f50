// One media section: the m= line and the lines that follow it up to the next m= line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/sdp/attribute_set.hpp"
#include "protocols/sdp/fields.hpp"

namespace wrtc::sdp {

/// m=<media> <port>[/<number of ports>] <proto> <fmt> ... and its i=, c=, b=, k= and a= lines.
struct media_description {
  /// audio, video, application, ...
  std::string media;
  /// 0 means the stream is rejected or disabled (RFC 3264), unless a=bundle-only says otherwise.
  uint16_t port = 0;
  std::optional<uint16_t> port_count;
  /// RTP/AVP, UDP/TLS/RTP/SAVPF, UDP/DTLS/SCTP, ...
  std::string proto;
  /// Formats as written: RTP payload types for RTP protos, otherwise opaque.
  std::vector<std::string> formats;
  /// i=
  std::optional<std::string> title;
  /// c=
  std::optional<connection_data> connection;
  /// b=
  std::vector<bandwidth> bandwidths;
  /// k= (obsolete; kept as written).
  std::optional<std::string> key;
  attribute_set attributes;

  bool operator==(const media_description&) const = default;

  /// Whether the formats are RTP payload types ("RTP/" appears in the proto).
  bool is_rtp() const;

  /// Whether `payload_type` is in the format list (RTP m-lines only).
  bool has_payload_type(uint8_t payload_type) const;

  /// The format list as payload types (RTP m-lines; parsing guarantees every entry is 0..127).
  std::vector<uint8_t> payload_types() const;

  /// The first payload type in the format list whose rtpmap names `encoding` (case-insensitive)
  /// at `clock_rate`, optionally with exactly `channels` channels.
  std::optional<uint8_t> find_payload_type(std::string_view encoding, uint32_t clock_rate,
                                           std::optional<uint16_t> channels = std::nullopt) const;

  /// a=direction of this m-line, else `session_default`, else sendrecv.
  media_direction effective_direction(std::optional<media_direction> session_default) const;
};

}  // namespace wrtc::sdp
