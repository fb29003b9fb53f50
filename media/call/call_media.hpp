// One call's media on one worker: ICE + DTLS-SRTP, SIP-side RTP, and the transcoder between.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/call/call_media_listener.hpp"
#include "media/call/call_media_options.hpp"
#include "media/call/call_media_stats.hpp"
#include "media/call/rtp_receive_stats.hpp"
#include "media/dtls/dtls_transport.hpp"
#include "media/ice/ice_agent.hpp"
#include "media/net/rtp_socket.hpp"
#include "media/srtp/srtp_session.hpp"
#include "media/worker/worker_timer.hpp"

namespace wrtc::media {

class audio_transcoder;
class dtls_certificate;
class media_worker;
class port_allocator;

/// What the engine lends to every call it places.
struct call_media_context {
  // Passed by argument (the engine's; outlive every call).
  media_worker* worker = nullptr;
  port_allocator* ports = nullptr;
  /// `media.address`: ICE host candidates and the SIP-side sockets.
  std::string address;
  std::optional<turn_server> turn;
  std::shared_ptr<const dtls_certificate> certificate;
};

/// The browser's transport and codec choices, from its SDP.
struct remote_webrtc_params {
  std::string ice_ufrag;
  std::string ice_pwd;
  /// `candidate:...` lines, possibly ending with `end-of-candidates`.
  std::vector<std::string> candidates;
  std::string fingerprint_algorithm;
  std::string fingerprint_value;
  dtls_role our_role = dtls_role::server;
  int opus_pt = 111;
  int dtmf_pt = 126;
};

/// The SIP peer's RTP address and codec choices, from its SDP.
struct remote_sip_params {
  std::string address;
  uint16_t port = 0;
  int codec_pt = 0;
  int dtmf_pt = 101;
};

/// The per-call composition, living entirely on one media worker (created, driven and destroyed
/// there; the engine posts every control call to it). Packet paths, all on the worker thread,
/// with no allocation, lock or message per packet:
///
///   browser -> SIP: ICE datagram -> DTLS? to dtls_transport | SRTCP? unprotect, read reports,
///                   drop | SRTP: unprotect (refused: count, drop) -> transcoder webrtc_to_sip
///                   -> rtp_socket send (to the latched source, else the SDP address)
///   SIP -> browser: rtp_socket datagram (latched source only) -> transcoder sip_to_webrtc ->
///                   protect -> ICE send;   RTCP (port+1): read reports, drop
///
/// Until the SIP remote is known both directions drop; until DTLS is up browser-bound audio is
/// dropped. Only the transcoded path exists; `forward_to_sip` / `forward_to_browser` are where a
/// relayed path would branch.
class call_media : private ice_agent_listener,
                   private rtp_socket_listener,
                   private dtls_transport::listener {
 public:
  // -- constructors and destructors ------------------------------------------

  call_media(uint64_t call_id, const call_media_context& ctx, call_media_options options,
             std::shared_ptr<call_media_listener> listener);

  /// Closes DTLS (close_notify), releases the agent and the sockets (and their ports). Reports
  /// nothing.
  ~call_media();

  call_media(const call_media&) = delete;
  call_media& operator=(const call_media&) = delete;

  // -- worker thread ---------------------------------------------------------

  /// Gathers candidates and opens the SIP-side sockets; media_ready or media_failed follows.
  void start();

  /// The browser's answer (or offer): ICE credentials and candidates, DTLS fingerprint and our
  /// role, negotiated payload types. Starts the connect timeout. A second call adds candidates
  /// and updates payload types (ICE restart is not supported).
  void set_remote_webrtc(remote_webrtc_params params);

  /// Trickled browser candidates (`end-of-candidates` ends them).
  void add_remote_candidates(const std::vector<std::string>& lines);

  /// The SIP peer's address and payload types (again on a re-INVITE: resets the latch).
  void set_remote_sip(remote_sip_params params);

  /// A snapshot of the counters (what media_stats reports).
  call_media_stats stats() const;

  uint64_t call_id() const { return call_id_; }
  bool connected() const { return connected_; }
  bool failed() const { return failed_; }

 private:
  // -- ice_agent_listener ------------------------------------------------------
  void ice_gathering_done(ice_agent& agent) override;
  void ice_state_changed(ice_agent& agent, ice_state state) override;
  void ice_datagram(ice_agent& agent, uint8_t* data, size_t len) override;

  // -- rtp_socket_listener -----------------------------------------------------
  void rtp_datagram(rtp_socket& socket, uint8_t* data, size_t len) override;
  void rtcp_datagram(rtp_socket& socket, uint8_t* data, size_t len) override;

  // -- dtls_transport::listener ------------------------------------------------
  void dtls_send(const uint8_t* data, size_t len) override;
  void dtls_connected(const srtp_keys& keys) override;
  void dtls_failed(const std::string& reason) override;
  void dtls_closed() override;

  // -- internals -------------------------------------------------------------------
  void maybe_start_dtls();
  void arm_dtls_timer();
  void on_connect_timeout();
  void fail(std::string reason, bool ice);
  void update_transcoder();
  void forward_to_sip(uint8_t* rtp, size_t len);
  void forward_to_browser(uint8_t* rtp, size_t len);
  void send_to_browser(const uint8_t* rtp, size_t len);
  void count_srtp_failure(srtp_status status);
  void read_browser_rtcp(const uint8_t* data, size_t len);

  uint64_t call_id_;
  call_media_options options_;
  // Passed by argument (the engine's).
  call_media_context ctx_;
  // Passed by argument; shared with the control plane.
  std::shared_ptr<call_media_listener> listener_;

  // Allocated by this.
  std::unique_ptr<ice_agent> ice_;
  // Allocated by this.
  std::unique_ptr<rtp_socket> socket_;
  // Allocated by this.
  std::unique_ptr<dtls_transport> dtls_;
  // Allocated by this once DTLS exported keys: browser -> us, us -> browser.
  std::unique_ptr<srtp_session> srtp_in_;
  std::unique_ptr<srtp_session> srtp_out_;
  // Allocated by this once both remotes are known.
  std::unique_ptr<audio_transcoder> transcoder_;
  // Allocated by this.
  worker_timer dtls_timer_;
  worker_timer connect_timer_;
  worker_timer stats_timer_;

  std::optional<remote_webrtc_params> remote_webrtc_;
  std::optional<remote_sip_params> remote_sip_;
  uint32_t browser_ssrc_;
  uint32_t sip_ssrc_;
  uint16_t browser_initial_sequence_;
  uint16_t sip_initial_sequence_;
  uint32_t browser_initial_timestamp_;
  uint32_t sip_initial_timestamp_;

  bool ready_reported_ = false;
  bool ice_connected_ = false;
  bool dtls_started_ = false;
  bool connected_ = false;
  bool failed_ = false;

  // Counters: plain integers on the worker; read only by stats().
  rtp_receive_stats browser_rx_{48000};
  rtp_receive_stats sip_rx_{8000};
  media_side_stats browser_;
  media_side_stats sip_;
  uint64_t srtp_replayed_ = 0;
  uint64_t srtp_unauthenticated_ = 0;
  uint64_t srtp_malformed_ = 0;

  // The browser-bound packet being protected (transcoder output + SRTP trailer).
  std::array<uint8_t, 1500> to_browser_{};
};

}  // namespace wrtc::media
