// The SDP the gateway sends to the browser: an offer for an inbound call, an answer to the
// browser's offer. ICE and DTLS values come from the media layer; nothing is generated here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/sdp/dtls_setup.hpp"
#include "protocols/sdp/fields.hpp"
#include "protocols/sdp/sdp_error.hpp"
#include "protocols/sdp/session_description.hpp"

namespace wrtc::sdp {

/// Payload types and Opus parameters of the gateway's WebRTC offers (Chromium's numbering).
inline constexpr uint8_t webrtc_opus_payload_type = 111;
inline constexpr uint8_t webrtc_telephone_event_payload_type = 126;
inline constexpr std::string_view webrtc_opus_fmtp = "minptime=10;useinbandfec=1";

/// Our end of the browser leg, as the media layer and the call leg know it.
struct webrtc_local_media {
  /// o= session id and version (the version grows with each new offer in a dialog).
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  /// ICE credentials (ice-chars; ufrag 4..256, pwd 22..256 characters).
  std::string ice_ufrag;
  std::string ice_pwd;
  /// Gathered candidates, "candidate:..." with or without "a=" (all inline: no trickle).
  std::vector<std::string> candidates;
  /// Our certificate's sha-256 fingerprint.
  fingerprint local_fingerprint;
  /// Our outgoing stream: SSRC, RTCP CNAME and the MediaStream / track ids of a=msid.
  uint32_t ssrc = 0;
  std::string cname;
  std::string stream_id = "wrtc";
  std::string track_id = "wrtc-audio";
  /// What we want to do; an answer narrows it to what the offer allows.
  media_direction direction = media_direction::sendrecv;
};

/// An answer and the DTLS role it commits the gateway to.
struct webrtc_answer {
  session_description sdp;
  dtls_role role = dtls_role::active;
};

/// Builds the offer for an inbound call: one m=audio UDP/TLS/RTP/SAVPF with mid "0" in a BUNDLE
/// group, Opus 111 (minptime=10;useinbandfec=1), telephone-event/48000 126, rtcp-mux,
/// setup:actpass, sha-256 fingerprint, the candidates inline then end-of-candidates, and a=ssrc
/// cname/msid lines. The m= port and c= address are the first UDP RTP candidate with an IP
/// address (9 and 0.0.0.0 when there is none). Fails with bad_input on invalid inputs.
std::optional<session_description> build_webrtc_offer(const webrtc_local_media& local,
                                                      sdp_error& error);

/// Builds the answer to a browser's offer: the audio m-line accepted with the browser's mid,
/// Opus and telephone-event payload types, every other m-line rejected (port 0). `role` is the
/// DTLS role the caller wants; it must be one the offer's a=setup allows (setup_conflict
/// otherwise). Without it the gateway takes `active` when the offer allows it (RFC 8842), else
/// the role the offer leaves. Fails with the errors of `read_webrtc_audio` and bad_input.
std::optional<webrtc_answer> build_webrtc_answer(const session_description& offer,
                                                 const webrtc_local_media& local,
                                                 std::optional<dtls_role> role, sdp_error& error);

}  // namespace wrtc::sdp
