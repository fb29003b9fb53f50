// The small value types that SDP lines and attributes parse into (RFC 8866, 3264, 4145, 8122).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wrtc::sdp {

/// a=sendrecv / sendonly / recvonly / inactive (RFC 3264).
enum class media_direction : uint8_t { sendrecv, sendonly, recvonly, inactive };

/// a=setup (RFC 4145): who opens the DTLS association.
enum class setup_role : uint8_t { actpass, active, passive, holdconn };

/// The attribute name of a direction.
constexpr std::string_view to_string(media_direction d) {
  switch (d) {
    case media_direction::sendrecv:
      return "sendrecv";
    case media_direction::sendonly:
      return "sendonly";
    case media_direction::recvonly:
      return "recvonly";
    case media_direction::inactive:
      return "inactive";
  }
  return "sendrecv";
}

/// The attribute value of a setup role.
constexpr std::string_view to_string(setup_role r) {
  switch (r) {
    case setup_role::actpass:
      return "actpass";
    case setup_role::active:
      return "active";
    case setup_role::passive:
      return "passive";
    case setup_role::holdconn:
      return "holdconn";
  }
  return "actpass";
}

/// The direction seen from the other side: what the peer sends, we receive.
constexpr media_direction reverse(media_direction d) {
  switch (d) {
    case media_direction::sendonly:
      return media_direction::recvonly;
    case media_direction::recvonly:
      return media_direction::sendonly;
    default:
      return d;
  }
}

/// Both sides' wishes combined: each way flows only when both allow it. `ours` and `theirs` are
/// each written from their own side.
constexpr media_direction answer_direction(media_direction theirs, media_direction ours) {
  auto sends = [](media_direction d) {
    return d == media_direction::sendrecv || d == media_direction::sendonly;
  };
  auto receives = [](media_direction d) {
    return d == media_direction::sendrecv || d == media_direction::recvonly;
  };
  bool we_send = sends(ours) && receives(theirs);
  bool we_receive = receives(ours) && sends(theirs);
  if (we_send && we_receive) {
    return media_direction::sendrecv;
  }
  if (we_send) {
    return media_direction::sendonly;
  }
  if (we_receive) {
    return media_direction::recvonly;
  }
  return media_direction::inactive;
}

/// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
struct origin_line {
  std::string username = "-";
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  std::string nettype = "IN";
  std::string addrtype = "IP4";
  std::string address = "127.0.0.1";
  bool operator==(const origin_line&) const = default;
};

/// c=<nettype> <addrtype> <connection-address>; the address is kept as written (it may carry a
/// multicast "/ttl" or be a host name), interpreters decide what they accept.
struct connection_data {
  std::string nettype = "IN";
  std::string addrtype = "IP4";
  std::string address;
  bool operator==(const connection_data&) const = default;
};

/// b=<bwtype>:<bandwidth>
struct bandwidth {
  std::string type;
  uint64_t value = 0;
  bool operator==(const bandwidth&) const = default;
};

/// t=<start-time> <stop-time>, followed by its r= lines (kept as written).
struct timing {
  uint64_t start = 0;
  uint64_t stop = 0;
  std::vector<std::string> repeats;
  bool operator==(const timing&) const = default;
};

/// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
struct rtpmap {
  uint8_t payload_type = 0;
  std::string encoding;
  uint32_t clock_rate = 0;
  /// Audio channels; absent means one.
  std::optional<uint16_t> channels;
  bool operator==(const rtpmap&) const = default;
};

/// a=fmtp:<payload type> <format specific parameters>
struct fmtp {
  uint8_t payload_type = 0;
  std::string parameters;
  bool operator==(const fmtp&) const = default;
};

/// a=fingerprint:<hash function> <hex bytes separated by ':'> (RFC 8122).
struct fingerprint {
  std::string algorithm;
  std::string value;
  bool operator==(const fingerprint&) const = default;
};

/// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605).
struct rtcp_address {
  uint16_t port = 0;
  std::optional<connection_data> connection;
  bool operator==(const rtcp_address&) const = default;
};

/// a=group:<semantics> <mid>... (RFC 5888), e.g. BUNDLE (RFC 9143).
struct group {
  std::string semantics;
  std::vector<std::string> mids;
  bool operator==(const group&) const = default;
};

/// An attribute this parser does not interpret: a=<name>[:<value>].
struct attribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const attribute&) const = default;
};

}  // namespace wrtc::sdp
