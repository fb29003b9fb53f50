// The SDP the gateway sends to the SIP peer: an offer for an outbound call, an answer to the
// peer's offer. Plain RTP/AVP with G.711 and telephone-event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/sdp/fields.hpp"
#include "protocols/sdp/sdp_error.hpp"
#include "protocols/sdp/session_description.hpp"
#include "protocols/sdp/sip_media.hpp"

namespace wrtc::sdp {

/// Our end of the SIP leg.
struct sip_local_media {
  /// o= session id and version.
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  /// The media worker's address (IPv4 or IPv6 literal) and RTP port (not 0).
  std::string address;
  uint16_t port = 0;
  /// a=ptime in milliseconds.
  uint32_t ptime = 20;
  /// Our telephone-event payload type in offers (96..127).
  uint8_t telephone_event_payload_type = 101;
  /// Laws we accept, offered in this order; an answer picks the peer's first that is listed here.
  std::vector<g711> laws{g711::pcmu, g711::pcma};
  /// What we want to do; an answer narrows it to what the offer allows.
  media_direction direction = media_direction::sendrecv;
};

/// Builds "m=audio <port> RTP/AVP 0 8 101" with c=IN IP4|IP6 <address>, rtpmaps for every
/// format, fmtp 101 0-16, a=ptime and the direction. Fails with bad_input on invalid inputs.
std::optional<session_description> build_sip_offer(const sip_local_media& local, sdp_error& error);

/// Builds the answer to a SIP offer: the peer's first G.711 law that `local.laws` accepts, with
/// the peer's payload type, plus telephone-event with the peer's payload type when offered;
/// every other m-line rejected (port 0). Fails with the errors of `read_sip_audio` (no_g711 when
/// no law fits: the caller answers 488) and bad_input.
std::optional<session_description> build_sip_answer(const session_description& offer,
                                                    const sip_local_media& local, sdp_error& error);

}  // namespace wrtc::sdp
