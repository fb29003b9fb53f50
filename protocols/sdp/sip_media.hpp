// What the gateway needs from a SIP peer's SDP (offer or answer): where to send RTP and which
// G.711 law and telephone-event payload types to use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/sdp/fields.hpp"
#include "protocols/sdp/sdp_error.hpp"
#include "protocols/sdp/session_description.hpp"

namespace wrtc::sdp {

/// The two G.711 laws.
enum class g711 : uint8_t { pcmu, pcma };

/// The rtpmap encoding name of a law ("PCMU", "PCMA").
constexpr std::string_view to_string(g711 law) {
  return law == g711::pcmu ? "PCMU" : "PCMA";
}

/// The static payload type of a law (RFC 3551): 0 or 8.
constexpr uint8_t static_payload_type(g711 law) {
  return law == g711::pcmu ? 0 : 8;
}

/// One G.711 law as the peer lists it.
struct g711_format {
  g711 law = g711::pcmu;
  uint8_t payload_type = 0;
  bool operator==(const g711_format&) const = default;
};

/// The SIP peer's audio stream.
struct sip_audio {
  /// Index of the audio m-line in the description.
  std::size_t mline_index = 0;
  /// IP literal from the media-level c=, else the session-level one.
  std::string address;
  bool ipv6 = false;
  /// The address is 0.0.0.0 (or ::): the RFC 2543 way of putting the call on hold.
  bool hold = false;
  uint16_t port = 0;
  /// PCMU and PCMA as the peer offers them, most preferred first; never empty.
  std::vector<g711_format> g711_formats;
  /// telephone-event/8000, when listed.
  std::optional<uint8_t> telephone_event_payload_type;
  /// a=ptime (media level, else session level).
  std::optional<uint32_t> ptime;
  /// a=direction (media level, else session level, else sendrecv), as the peer wrote it.
  media_direction direction = media_direction::sendrecv;

  /// `direction` with the hold address folded in: at 0.0.0.0 the peer receives nothing.
  media_direction effective_direction() const;
};

/// Reads the first m=audio with a port other than 0. Fails with no_audio, audio_rejected,
/// not_rtp_avp, no_connection_address, bad_connection_address or no_g711, in that order.
std::optional<sip_audio> read_sip_audio(const session_description& sdp, sdp_error& error);

}  // namespace wrtc::sdp
