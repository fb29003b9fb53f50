// The SIP-side RTP/RTCP socket pair of one call: symmetric RTP with source latching.
// The only file that calls the BSD socket API for media.
#include "media/net/rtp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "media/rtp/rtcp_report.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/worker/media_worker.hpp"
#include "media/worker/port_allocator.hpp"

namespace wrtc::media {

namespace {

// Pair attempts before open() gives up (a port of the range may be held by another process).
constexpr int port_attempts = 8;

// Datagrams read per wake-up before yielding to the loop (the watch is level-triggered).
constexpr int reads_per_wakeup = 64;

int open_bound(const udp_endpoint& at, std::string& error) {
  int fd = ::socket(at.addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string{"socket: "} + std::strerror(errno);
    return -1;
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&at.addr), at.len) != 0) {
    error = "bind " + at.to_string() + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  udp_endpoint ep;
  ep.addr = ss;
  ep.len = len;
  return ep.port();
}

bool parses_as_rtcp(const uint8_t* data, size_t len) {
  rtcp_compound_reader reader{data, len};
  return reader.next();
}

}  // namespace

// -- udp_endpoint -----------------------------------------------------------------

bool udp_endpoint::parse(const std::string& ip, uint16_t port, udp_endpoint& out) {
  udp_endpoint ep;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ep.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ep.addr);
  if (::inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    ep.len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    ep.len = sizeof(sockaddr_in6);
  } else {
    return false;
  }
  out = ep;
  return true;
}

uint16_t udp_endpoint::port() const {
  if (addr.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

udp_endpoint udp_endpoint::with_port(uint16_t port) const {
  udp_endpoint out = *this;
  if (addr.ss_family == AF_INET)
    reinterpret_cast<sockaddr_in*>(&out.addr)->sin_port = htons(port);
  else if (addr.ss_family == AF_INET6)
    reinterpret_cast<sockaddr_in6*>(&out.addr)->sin6_port = htons(port);
  return out;
}

std::string udp_endpoint::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, buf, sizeof(buf));
    return std::string{buf} + ':' + std::to_string(port());
  }
  if (addr.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, buf,
                sizeof(buf));
    return '[' + std::string{buf} + "]:" + std::to_string(port());
  }
  return "-";
}

bool udp_endpoint::operator==(const udp_endpoint& other) const {
  if (addr.ss_family != other.addr.ss_family) return false;
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    auto* b = reinterpret_cast<const sockaddr_in*>(&other.addr);
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
  }
  if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    auto* b = reinterpret_cast<const sockaddr_in6*>(&other.addr);
    return a->sin6_port == b->sin6_port &&
           std::memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return len == 0 && other.len == 0;
}

// -- constructors and destructors -----------------------------------------------

rtp_socket::rtp_socket(media_worker& worker, port_allocator* ports, std::string address,
                       rtp_socket_listener& listener)
    : worker_(&worker), ports_(ports), listener_(&listener), address_(std::move(address)) {
  // nop
}

std::unique_ptr<rtp_socket> rtp_socket::open(media_worker& worker, port_allocator* ports,
                                             const std::string& address,
                                             rtp_socket_listener& listener, std::string& error) {
  udp_endpoint local;
  if (!udp_endpoint::parse(address, 0, local)) {
    error = "rtp: media address is not an IP address: " + address;
    return nullptr;
  }
  std::unique_ptr<rtp_socket> s{new rtp_socket(worker, ports, address, listener)};
  for (int attempt = 0; attempt < port_attempts; ++attempt) {
    uint16_t port = 0;
    if (ports != nullptr) {
      auto p = ports->acquire_pair();
      if (!p) {
        error = "rtp: media port range exhausted";
        return nullptr;
      }
      port = *p;
    }
    int rtp_fd = open_bound(local.with_port(port), error);
    if (rtp_fd >= 0) {
      uint16_t rtp_port = port != 0 ? port : bound_port(rtp_fd);
      // Without a range the kernel chose RTP; RTCP tries the next port (and gives up on
      // collision: tests only).
      int rtcp_fd = open_bound(local.with_port(static_cast<uint16_t>(rtp_port + 1)), error);
      if (rtcp_fd >= 0) {
        s->rtp_.fd = rtp_fd;
        s->rtp_.port = rtp_port;
        s->rtcp_.fd = rtcp_fd;
        s->rtcp_.port = static_cast<uint16_t>(rtp_port + 1);
        s->ports_owned_ = port != 0;
        break;
      }
      ::close(rtp_fd);
    }
    if (ports != nullptr) ports->release_pair(port);
  }
  if (s->rtp_.fd < 0) {
    error = "rtp: no free port pair on " + address + " (" + error + ")";
    return nullptr;
  }
  auto* self = s.get();
  s->rtp_.watch =
      std::make_unique<fd_watch>(worker, s->rtp_.fd, [self] { self->on_readable(false); });
  s->rtcp_.watch =
      std::make_unique<fd_watch>(worker, s->rtcp_.fd, [self] { self->on_readable(true); });
  return s;
}

rtp_socket::~rtp_socket() {
  for (auto* ch : {&rtp_, &rtcp_}) {
    ch->watch.reset();  // stop watching before the descriptor goes
    if (ch->fd >= 0) ::close(ch->fd);
  }
  if (ports_owned_ && ports_ != nullptr) ports_->release_pair(rtp_.port);
}

// -- worker thread ----------------------------------------------------------------

bool rtp_socket::set_remote(const std::string& ip, uint16_t port) {
  udp_endpoint ep;
  if (port == 0 || !udp_endpoint::parse(ip, port, ep)) return false;
  rtp_.sdp = ep;
  rtcp_.sdp = ep.with_port(static_cast<uint16_t>(port + 1));
  rtp_.latched = rtcp_.latched = false;
  remote_known_ = true;
  return true;
}

const udp_endpoint& rtp_socket::rtp_destination() const {
  return rtp_.latched ? rtp_.latched_source : rtp_.sdp;
}

bool rtp_socket::send_rtp(const uint8_t* data, size_t len) {
  if (!send(rtp_, data, len)) return false;
  ++counters_.rtp_packets_out;
  counters_.rtp_bytes_out += len;
  return true;
}

bool rtp_socket::send_rtcp(const uint8_t* data, size_t len) {
  if (!send(rtcp_, data, len)) return false;
  ++counters_.rtcp_packets_out;
  return true;
}

bool rtp_socket::send(channel& ch, const uint8_t* data, size_t len) {
  if (!remote_known_) return false;
  const udp_endpoint& to = ch.latched ? ch.latched_source : ch.sdp;
  auto n =
      ::sendto(ch.fd, data, len, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to.addr), to.len);
  if (n != static_cast<ssize_t>(len)) {
    ++counters_.send_errors;
    return false;
  }
  return true;
}

bool rtp_socket::accept_source(channel& ch, const udp_endpoint& from) {
  auto now = std::chrono::steady_clock::now();
  if (ch.latched && from == ch.latched_source) {
    ch.last_from_latched = now;
    return true;
  }
  if (ch.latched && now - ch.last_from_latched < relatch_after_) {
    ++counters_.foreign;
    return false;
  }
  if (ch.latched) ++counters_.relatches;
  ch.latched = true;
  ch.latched_source = from;
  ch.last_from_latched = now;
  return true;
}

void rtp_socket::on_readable(bool rtcp_channel) {
  channel& ch = rtcp_channel ? rtcp_ : rtp_;
  for (int i = 0; i < reads_per_wakeup; ++i) {
    udp_endpoint from;
    from.len = sizeof(from.addr);
    auto n = ::recvfrom(ch.fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC,
                        reinterpret_cast<sockaddr*>(&from.addr), &from.len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN, or an error report (ICMP) now consumed
    }
    auto len = static_cast<size_t>(n);
    if (len > buffer_.size()) {
      ++counters_.malformed;  // truncated: larger than any RTP we accept
      continue;
    }
    if (!remote_known_) {
      ++counters_.early;
      continue;
    }
    uint8_t* data = buffer_.data();
    if (rtcp_channel || is_rtcp_packet(data, len)) {
      // RTCP on its own port, or multiplexed on the RTP port by a peer that does so anyway.
      if (!parses_as_rtcp(data, len)) {
        ++counters_.malformed;
        continue;
      }
      // On the RTP port it never moves the latch: only the latched RTP source may mux RTCP.
      bool accepted =
          rtcp_channel ? accept_source(ch, from) : (ch.latched && from == ch.latched_source);
      if (!accepted) {
        if (!rtcp_channel) ++counters_.foreign;
        continue;
      }
      ++counters_.rtcp_packets_in;
      listener_->rtcp_datagram(*this, data, len);
      continue;
    }
    if (!rtp_packet::parse(data, len)) {
      ++counters_.malformed;
      continue;
    }
    if (!accept_source(ch, from)) continue;
    ++counters_.rtp_packets_in;
    counters_.rtp_bytes_in += len;
    listener_->rtp_datagram(*this, data, len);
  }
}

}  // namespace wrtc::media
