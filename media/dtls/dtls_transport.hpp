// DTLS 1.2 over an ICE component, ending in SRTP keys: one per call, on its media worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/dtls/datagram_bio.hpp"
#include "media/dtls/demux.hpp"
#include "media/dtls/dtls_certificate.hpp"
#include "media/dtls/dtls_fingerprint.hpp"
#include "media/srtp/srtp_profile.hpp"

struct ssl_st;

namespace wrtc::media {

/// client = SDP a=setup:active (sends the ClientHello), server = a=setup:passive.
enum class dtls_role { client, server };

/// Tunables of one transport; the defaults suit a browser peer over ICE/TURN.
struct dtls_transport_options {
  /// Largest datagram we send (DTLS records with headers): 1200 leaves room for IPv6 (40) +
  /// UDP (8) + TURN ChannelData (4) within the 1280 bytes every IPv6 path carries.
  size_t mtu = 1200;
  /// First handshake retransmission timeout; doubles on every retransmission up to the maximum.
  /// At least 30 ms: OpenSSL counts a timer with under 15 ms left as expired.
  std::chrono::milliseconds initial_retransmission{100};
  std::chrono::milliseconds max_retransmission{3200};
  /// From start(): a handshake not complete by then fails with "handshake timeout".
  std::chrono::milliseconds handshake_timeout{10000};
  /// What we offer (client) or accept (server) in preference order; the server's order wins.
  std::vector<srtp_profile> srtp_profiles{srtp_profile::aead_aes_128_gcm,
                                          srtp_profile::aes_cm_128_hmac_sha1_80};
};

/// DTLS 1.2 over an unreliable datagram path with a custom datagram BIO. Single-threaded: every
/// member is called on the media worker that owns the call.
///
/// Every listener callback is the last thing a member function does, so the owner may destroy
/// the transport from inside dtls_connected / dtls_failed / dtls_closed; dtls_send must neither
/// destroy it nor call back into it. At most one of connected / failed / closed is reported per
/// call, and failed or closed only once in the transport's life.
class dtls_transport {
 public:
  /// Implemented by the owner.
  struct listener {
    virtual ~listener() = default;
    /// Write one datagram to the ICE path.
    virtual void dtls_send(const uint8_t* data, size_t len) = 0;
    /// Handshake done AND peer fingerprint verified.
    virtual void dtls_connected(const srtp_keys& keys) = 0;
    /// Alert, fingerprint mismatch, no SRTP profile, timeout. Before dtls_connected: no keys were
    /// derived. After it (a fatal alert from the peer): stop using the keys.
    virtual void dtls_failed(const std::string& reason) = 0;
    /// close_notify from the peer.
    virtual void dtls_closed() = 0;
  };

  enum class state { idle, handshaking, connected, failed, closed };

  // -- constructors and destructors ------------------------------------------

  dtls_transport(std::shared_ptr<const dtls_certificate> cert, listener& l,
                 dtls_transport_options opts = {});

  ~dtls_transport();

  dtls_transport(const dtls_transport&) = delete;
  dtls_transport& operator=(const dtls_transport&) = delete;

  // -- driving the handshake -------------------------------------------------

  /// Starts the handshake once the remote fingerprint (algorithm "sha-256"/"sha-1"/"sha-384"/
  /// "sha-512", value from SDP) and our role are known; call it when ICE can carry datagrams (a
  /// client's first flight is sent right away; a lost one is retransmitted). A server drops
  /// datagrams that arrive before start(): the client retransmits them.
  void start(dtls_role role, std::string fingerprint_algorithm, std::string fingerprint_value);

  /// A DTLS record (or several) from the peer; anything else is dropped and counted.
  void on_datagram(const uint8_t* data, size_t len);

  /// Milliseconds until on_timer() must be called, or -1 when no timer runs. Covers handshake
  /// retransmission and the handshake deadline.
  int64_t timer_ms() const;

  /// Retransmits the last flight when its timer expired; fails after the handshake deadline.
  void on_timer();

  /// Sends close_notify (if a handshake started) and stops; reports nothing.
  void close();

  // -- properties ------------------------------------------------------------

  bool connected() const { return state_ == state::connected; }
  state current_state() const { return state_; }

  /// Datagrams refused before OpenSSL saw them: not DTLS (RFC 7983), or in the wrong state.
  uint64_t dropped_datagrams() const { return dropped_datagrams_; }

  /// Application data records received and ignored (we carry no data channel).
  uint64_t ignored_records() const { return ignored_records_; }

 private:
  struct ssl_deleter {
    void operator()(ssl_st* p) const;
  };

  enum class event { none, connected, failed, closed };

  static unsigned int retransmission_timeout_us(ssl_st* ssl, unsigned int previous_us);

  void continue_handshake();
  void read_records();
  void handshake_done();
  void release_idle_memory();
  void fail(std::string reason);
  std::string ssl_failure(int ret, const char* what);
  void flush_and_report();

  // Passed by argument; shared with every transport of the process.
  std::shared_ptr<const dtls_certificate> cert_;
  // Passed by argument; outlives this.
  listener& listener_;
  // Set at construction.
  dtls_transport_options options_;
  // Set by start(); the SSL's ex_data points at it, so it is declared before ssl_.
  std::optional<dtls_fingerprint> expected_;
  // Allocated by this; the BIO inside ssl_ points at it, so it is declared before ssl_.
  datagram_bio bio_;
  // Allocated by this (SSL_new); owns the BIO made by bio_.
  std::unique_ptr<ssl_st, ssl_deleter> ssl_;
  // Why the constructor could not set up ssl_; reported by start().
  std::string setup_error_;
  dtls_role role_ = dtls_role::server;
  state state_ = state::idle;
  std::chrono::steady_clock::time_point deadline_{};
  // What to tell the listener once the current call has drained its datagrams.
  event pending_ = event::none;
  std::string pending_reason_;
  srtp_keys pending_keys_;
  uint64_t dropped_datagrams_ = 0;
  uint64_t ignored_records_ = 0;
};

}  // namespace wrtc::media
