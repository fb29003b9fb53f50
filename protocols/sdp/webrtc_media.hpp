// What the gateway needs from a browser's SDP (offer or answer): the audio m-line's ICE, DTLS
// and codec parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/sdp/fields.hpp"
#include "protocols/sdp/ice_candidate.hpp"
#include "protocols/sdp/sdp_error.hpp"
#include "protocols/sdp/session_description.hpp"

namespace wrtc::sdp {

/// The browser's audio stream as the media layer needs it.
struct webrtc_audio {
  /// Index of the audio m-line in the description.
  std::size_t mline_index = 0;
  /// a=mid; empty when the m-line has none.
  std::string mid;
  /// The BUNDLE group that holds `mid` (first mid = the tagged transport); empty when none.
  std::vector<std::string> bundle;

  // -- ICE: from the audio m-line, else the BUNDLE-tagged m-line, else the session --------

  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<std::string> ice_options;
  bool ice_lite = false;
  std::vector<ice_candidate> candidates;
  bool end_of_candidates = false;

  // -- DTLS ----------------------------------------------------------------------------

  /// The fingerprint to check the peer's certificate against: sha-256 when offered, else the
  /// first with a known hash function; the algorithm is lower-cased.
  fingerprint dtls_fingerprint;
  /// a=setup; absent when the browser did not write one.
  std::optional<setup_role> setup;

  // -- RTP -------------------------------------------------------------------------------

  /// Payload type of opus/48000/2 and its fmtp parameters (empty when none).
  uint8_t opus_payload_type = 0;
  std::string opus_fmtp;
  /// telephone-event/48000 when listed, else telephone-event/8000.
  std::optional<uint8_t> telephone_event_payload_type;
  /// Clock rate of that telephone-event (48000 or 8000); 0 when there is none.
  uint32_t telephone_event_clock_rate = 0;
  media_direction direction = media_direction::sendrecv;
  bool rtcp_rsize = false;
};

/// ICE credential lengths RFC 8839 requires.
inline constexpr std::size_t min_ice_ufrag_length = 4;
inline constexpr std::size_t min_ice_pwd_length = 22;

/// Reads the first usable m=audio (port other than 0, or a=bundle-only) of a browser's SDP.
/// Fails with no_audio, audio_rejected, not_savpf, no_ice_credentials, bad_ice_credentials,
/// no_fingerprint, no_rtcp_mux or no_opus, checked in that order.
std::optional<webrtc_audio> read_webrtc_audio(const session_description& sdp, sdp_error& error);

/// The byte length of a fingerprint made with `algorithm` (sha-1 ... sha-512, any case), or 0
/// for hash functions the gateway does not check.
std::size_t fingerprint_length(std::string_view algorithm);

}  // namespace wrtc::sdp
