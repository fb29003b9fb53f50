// What one call's media did, reported to the control plane every few seconds.
#pragma once

#include <cstdint>

namespace wrtc::media {

/// One side of the call (browser or SIP). "In" is what the peer sent us; "out" what we sent it.
struct media_side_stats {
  uint64_t packets_in = 0;
  uint64_t bytes_in = 0;
  uint64_t packets_out = 0;
  uint64_t bytes_out = 0;
  /// Packets missing from what we receive (RFC 3550 A.3; negative with duplicates).
  int64_t lost = 0;
  /// Interarrival jitter of what we receive, milliseconds.
  double jitter_ms = 0.0;
  /// From the peer's RTCP reports about what we send (0 until one arrives).
  int64_t remote_lost = 0;
  double remote_jitter_ms = 0.0;
  uint64_t rtcp_packets_in = 0;
  /// Datagrams that were not valid RTP/RTCP.
  uint64_t malformed = 0;
  /// Packets dropped because the path was not ready (remote unknown, DTLS not done).
  uint64_t dropped_not_ready = 0;
  /// Sends the transport refused.
  uint64_t send_errors = 0;
};

/// Both sides plus the browser side's SRTP verdicts.
struct call_media_stats {
  media_side_stats browser;
  media_side_stats sip;
  /// SRTP/SRTCP refused from the browser: replay, failed authentication, malformed.
  uint64_t srtp_replayed = 0;
  uint64_t srtp_unauthenticated = 0;
  uint64_t srtp_malformed = 0;
  /// SIP-side packets from a source other than the latched one.
  uint64_t sip_foreign = 0;
  /// Transcoder drops (both directions): late, undecodable, unsupported payload type.
  uint64_t transcoder_dropped = 0;
  /// Frames concealed toward SIP (Opus PLC/FEC).
  uint64_t concealed_frames = 0;
};

}  // namespace wrtc::media
