// What one call's media reports to the control plane, and the local parameters it reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/call/call_media_stats.hpp"

namespace wrtc::media {

/// Our browser-side transport, for the SDP toward the browser.
struct local_webrtc_params {
  std::string ice_ufrag;
  std::string ice_pwd;
  /// `candidate:...` attribute values (without `a=`).
  std::vector<std::string> candidates;
  /// Uppercase hex with ':' (SDP a=fingerprint:sha-256 ...).
  std::string fingerprint_sha256;
  /// SSRC of the stream we send to the browser (the SDP's a=ssrc must announce this one: with
  /// BUNDLE the browser routes an unannounced SSRC to no track).
  uint32_t ssrc = 0;
};

/// Our SIP-side RTP address, for the SDP toward the SIP peer (RTCP is rtp_port + 1).
struct local_sip_params {
  std::string address;
  uint16_t rtp_port = 0;
};

/// Implemented by the control plane. Every callback runs on the call's media worker thread and
/// must return at once (post to an actor, never block). Callbacks for a call may still arrive
/// until its destroy_call has run on the worker: ignore ids you no longer know.
class call_media_listener {
 public:
  virtual ~call_media_listener() = default;

  /// Gathering done: everything needed for both SDPs.
  virtual void media_ready(uint64_t call_id, const local_webrtc_params& webrtc,
                           const local_sip_params& sip) = 0;

  /// ICE connected, DTLS done, fingerprint verified: audio flows.
  virtual void media_connected(uint64_t call_id) = 0;

  /// The call's media cannot work (reported once): `ice` tells whether ICE is to blame (failed,
  /// or not connected by the timeout) or something after it (DTLS, fingerprint, SRTP, ports).
  virtual void media_failed(uint64_t call_id, std::string reason, bool ice) = 0;

  /// Every stats interval (5 s by default) from creation until destruction.
  virtual void media_stats(uint64_t call_id, const call_media_stats& stats) = 0;
};

}  // namespace wrtc::media
