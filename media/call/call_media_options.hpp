// How the control plane wants one call's media set up.
#pragma once

#include <chrono>

namespace wrtc::media {

/// Fixed when the call is created. Payload types are the ones offered; set_remote_webrtc and
/// set_remote_sip carry the ones finally negotiated.
struct call_media_options {
  /// ICE role toward the browser (the offerer controls).
  bool ice_controlling = false;
  /// Opus <-> G.711. Relayed (non-transcoded) media is not implemented yet: a call created with
  /// false fails at once.
  bool transcode = true;

  // -- browser side --------------------------------------------------------------
  int opus_pt = 111;
  int browser_dtmf_pt = 126;

  // -- SIP side ------------------------------------------------------------------
  /// 0 PCMU, 8 PCMA.
  int sip_codec_pt = 0;
  int sip_dtmf_pt = 101;

  // -- timing ----------------------------------------------------------------------
  /// From set_remote_webrtc: ICE connected + DTLS done within this, or media_failed.
  std::chrono::milliseconds connect_timeout{10000};
  /// Period of media_stats.
  std::chrono::milliseconds stats_interval{5000};
};

}  // namespace wrtc::media
