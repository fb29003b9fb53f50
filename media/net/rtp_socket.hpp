// The SIP-side RTP/RTCP socket pair of one call: symmetric RTP with source latching.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "media/worker/fd_watch.hpp"

namespace wrtc::media {

class media_worker;
class port_allocator;
class rtp_socket;

/// What a socket pair hands to its owner, on the worker thread. `data` is writable in place and
/// valid only during the call. The owner must not destroy the socket from inside a callback.
class rtp_socket_listener {
 public:
  virtual ~rtp_socket_listener() = default;

  /// An RTP packet (header checked) from the latched source.
  virtual void rtp_datagram(rtp_socket& socket, uint8_t* data, size_t len) = 0;

  /// An RTCP packet, from the RTCP port or multiplexed on the RTP port.
  virtual void rtcp_datagram(rtp_socket& socket, uint8_t* data, size_t len) = 0;
};

/// A UDP address, IPv4 or IPv6.
struct udp_endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;

  /// From an IP literal and a port; nothing when `ip` is not a literal.
  static bool parse(const std::string& ip, uint16_t port, udp_endpoint& out);
  bool empty() const { return len == 0; }
  uint16_t port() const;
  udp_endpoint with_port(uint16_t port) const;
  std::string to_string() const;
  bool operator==(const udp_endpoint& other) const;
};

/// Plain per-socket counters, read on the worker thread only.
struct rtp_socket_counters {
  uint64_t rtp_packets_in = 0;
  uint64_t rtp_bytes_in = 0;
  uint64_t rtcp_packets_in = 0;
  uint64_t rtp_packets_out = 0;
  uint64_t rtp_bytes_out = 0;
  uint64_t rtcp_packets_out = 0;
  /// Datagrams that are neither RTP nor RTCP (bad version, short, truncated, bad lengths).
  uint64_t malformed = 0;
  /// Valid packets from a source other than the latched one (dropped).
  uint64_t foreign = 0;
  /// Packets that arrived before the remote was known (dropped).
  uint64_t early = 0;
  /// Times the latch moved to a new source.
  uint64_t relatches = 0;
  /// Sends the kernel refused (buffer full, unreachable): the packet is dropped.
  uint64_t send_errors = 0;
};

/// Two non-blocking UDP sockets bound to the media address: RTP on an even port P from the
/// engine's range and RTCP on P+1 (rtcp-mux is not assumed on the SIP side), each watched on the
/// worker's loop. Lives on one worker thread.
///
/// Latch policy (symmetric RTP, per socket — RTP and RTCP latch independently):
/// - until set_remote() is called every datagram is dropped (`early`) and nothing is sent;
/// - then we send to the address and ports from the SDP (RTP to P', RTCP to P'+1);
/// - the first datagram that parses as RTP (or, on the RTCP socket, as RTCP) latches its source:
///   from then on we send there, whatever the SDP said (NAT and SBCs that rewrite ports);
/// - packets from any other source are dropped (`foreign`) while the latched source is alive;
///   the latch moves to a new source only after `relatch_after` of silence from the latched one
///   (a media server that moved, a re-INVITE to another SBC) — never on a single stray packet;
/// - a datagram that does not parse (`malformed`) never latches;
/// - set_remote() with a new address (re-INVITE) resets the latch.
class rtp_socket {
 public:
  /// Silence from the latched source after which another source may take the latch.
  static constexpr std::chrono::milliseconds default_relatch_after{3000};

  // -- constructors and destructors ------------------------------------------

  /// Binds the pair on `address` with ports from `ports` (ephemeral, possibly odd, when `ports` is
  /// null: tests). nullptr and `error` set on failure.
  static std::unique_ptr<rtp_socket> open(media_worker& worker, port_allocator* ports,
                                          const std::string& address, rtp_socket_listener& listener,
                                          std::string& error);

  /// Closes both sockets and returns the ports.
  ~rtp_socket();

  rtp_socket(const rtp_socket&) = delete;
  rtp_socket& operator=(const rtp_socket&) = delete;

  // -- worker thread ---------------------------------------------------------

  /// The peer from the SDP; RTCP goes to `port + 1`. Resets the latch. False when `ip` is not an
  /// IP literal or the port is 0.
  bool set_remote(const std::string& ip, uint16_t port);

  /// Sends one RTP packet to the latched source, else to the SDP address. False when no remote
  /// is known or the kernel refused (counted).
  bool send_rtp(const uint8_t* data, size_t len);

  /// As send_rtp, on the RTCP socket.
  bool send_rtcp(const uint8_t* data, size_t len);

  /// Silence after which the latch may move (tests use a short one).
  void set_relatch_after(std::chrono::milliseconds d) { relatch_after_ = d; }

  // -- properties ------------------------------------------------------------

  uint16_t rtp_port() const { return rtp_.port; }
  uint16_t rtcp_port() const { return rtcp_.port; }
  const std::string& local_address() const { return address_; }
  const rtp_socket_counters& counters() const { return counters_; }
  /// Where RTP goes now (latched source or SDP address; empty before set_remote).
  const udp_endpoint& rtp_destination() const;
  bool rtp_latched() const { return rtp_.latched; }

 private:
  // One of the two sockets and its latch.
  struct channel {
    int fd = -1;
    uint16_t port = 0;
    // Allocated by this.
    std::unique_ptr<fd_watch> watch;
    udp_endpoint sdp;
    udp_endpoint latched_source;
    bool latched = false;
    std::chrono::steady_clock::time_point last_from_latched{};
  };

  rtp_socket(media_worker& worker, port_allocator* ports, std::string address,
             rtp_socket_listener& listener);

  void on_readable(bool rtcp_channel);
  // Whether a packet from `from` passes the latch of `ch` (and moves it when allowed).
  bool accept_source(channel& ch, const udp_endpoint& from);
  bool send(channel& ch, const uint8_t* data, size_t len);

  // Passed by argument.
  media_worker* worker_;
  // Passed by argument (may be null).
  port_allocator* ports_;
  // Passed by argument.
  rtp_socket_listener* listener_;
  std::string address_;
  bool ports_owned_{false};
  bool remote_known_{false};
  std::chrono::milliseconds relatch_after_{default_relatch_after};
  channel rtp_;
  channel rtcp_;
  rtp_socket_counters counters_;
  // The receive buffer (one per socket pair, reused for every datagram): room for any UDP
  // payload we accept plus headroom for in-place growth by the owner.
  std::array<uint8_t, 2048> buffer_{};
};

}  // namespace wrtc::media
