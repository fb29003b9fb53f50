// Why the gateway cannot use an SDP, or cannot build one from the inputs it was given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wrtc::sdp {

/// What went wrong, as a value callers map to a SIP status or a signalling error.
enum class sdp_errc : uint8_t {
  /// The text is not SDP or breaks a limit (the parser's reason is in the detail).
  malformed,
  /// No m=audio line.
  no_audio,
  /// Every m=audio line has port 0.
  audio_rejected,
  /// The browser's audio m-line is not UDP/TLS/RTP/SAVPF.
  not_savpf,
  /// The SIP peer's audio m-line is not RTP/AVP.
  not_rtp_avp,
  /// No a=ice-ufrag / a=ice-pwd at media or session level.
  no_ice_credentials,
  /// ICE credentials shorter than RFC 8839 allows.
  bad_ice_credentials,
  /// No a=fingerprint with a hash function and length the gateway can check.
  no_fingerprint,
  /// No a=rtcp-mux: the gateway does not run RTCP on a separate component.
  no_rtcp_mux,
  /// No opus/48000/2 rtpmap for a listed payload type.
  no_opus,
  /// No c= line for the SIP audio m-line.
  no_connection_address,
  /// A c= address that is not an IPv4 or IPv6 literal (host names, multicast TTLs).
  bad_connection_address,
  /// Neither PCMU nor PCMA offered: the SIP side answers 488.
  no_g711,
  /// The offer's a=setup does not allow the DTLS role asked for (RFC 5763, RFC 4145).
  setup_conflict,
  /// A builder input (address, port, candidate, credential, fingerprint, identifier) is invalid.
  bad_input,
};

/// A short fixed text for the code, e.g. "no audio m-line".
constexpr std::string_view to_string(sdp_errc code) {
  switch (code) {
    case sdp_errc::malformed:
      return "malformed SDP";
    case sdp_errc::no_audio:
      return "no audio m-line";
    case sdp_errc::audio_rejected:
      return "audio m-line rejected (port 0)";
    case sdp_errc::not_savpf:
      return "not UDP/TLS/RTP/SAVPF";
    case sdp_errc::not_rtp_avp:
      return "not RTP/AVP";
    case sdp_errc::no_ice_credentials:
      return "no ICE credentials";
    case sdp_errc::bad_ice_credentials:
      return "bad ICE credentials";
    case sdp_errc::no_fingerprint:
      return "no DTLS fingerprint";
    case sdp_errc::no_rtcp_mux:
      return "no rtcp-mux";
    case sdp_errc::no_opus:
      return "no Opus";
    case sdp_errc::no_connection_address:
      return "no connection address";
    case sdp_errc::bad_connection_address:
      return "connection address is not an IP literal";
    case sdp_errc::no_g711:
      return "no PCMU or PCMA";
    case sdp_errc::setup_conflict:
      return "DTLS role not allowed by a=setup";
    case sdp_errc::bad_input:
      return "bad input";
  }
  return "unknown";
}

/// A code plus an optional detail that never quotes more than a few characters of the input.
struct sdp_error {
  sdp_errc code = sdp_errc::malformed;
  std::string detail;

  /// "<code text>" or "<code text>: <detail>".
  std::string message() const {
    std::string text(to_string(code));
    if (!detail.empty()) {
      text += ": ";
      text += detail;
    }
    return text;
  }
};

}  // namespace wrtc::sdp
