// An ICE candidate as written in a=candidate (RFC 8839 section 5.1) and in trickled candidates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wrtc::sdp {

/// One a=candidate value. Text fields keep the spelling of the sender.
struct ice_candidate {
  /// 1–32 ice-chars.
  std::string foundation;
  /// 1 = RTP, 2 = RTCP; 1..256.
  uint16_t component = 1;
  /// "udp" or "tcp" as written; other transports are kept.
  std::string transport;
  /// 1..2^31-1 in practice; any 32-bit value is accepted.
  uint32_t priority = 0;
  /// IP literal or host name (browsers hide host addresses behind mDNS "<uuid>.local").
  std::string address;
  uint16_t port = 0;
  /// host, srflx, prflx, relay, or an extension type.
  std::string type;
  /// raddr; empty when absent.
  std::string related_address;
  /// rport.
  std::optional<uint16_t> related_port;
  /// tcptype (active, passive, so) for tcp candidates; empty when absent.
  std::string tcp_type;
  /// generation (a Chromium extension); absent when not written.
  std::optional<uint32_t> generation;
  /// Every other extension (ufrag, network-id, network-cost, ...), in order.
  std::vector<std::pair<std::string, std::string>> extensions;

  bool operator==(const ice_candidate&) const = default;

  /// Whether the transport is UDP (ASCII case-insensitive).
  bool is_udp() const;

  /// The attribute value, without "candidate:": "<foundation> <component> <transport> ...".
  std::string to_string() const;
};

/// Most extension pairs one candidate may carry.
inline constexpr std::size_t max_candidate_extensions = 16;

/// Parses an a=candidate value. A leading "a=" and "candidate:" are skipped, so trickled
/// candidates ("candidate:1 1 udp ...") parse too. Returns nullopt and fills `error` with a short
/// reason (no input echoed) when a field is missing, out of range or badly formed.
std::optional<ice_candidate> parse_candidate(std::string_view text, std::string& error);

}  // namespace wrtc::sdp
