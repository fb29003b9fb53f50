// Unit suite of the SIP-side RTP socket pair: ports, early drop, symmetric RTP and the latch.
#define CAF_SUITE media.rtp_socket

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "media/net/rtp_socket.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/worker/media_worker.hpp"
#include "media/worker/port_allocator.hpp"
#include "tests/unit/media_test_support.hpp"

using namespace wrtc;
using namespace std::chrono_literals;

namespace {

// A plain non-blocking UDP socket on 127.0.0.1 playing the SIP peer.
struct udp_peer {
  int fd = -1;
  uint16_t port = 0;

  udp_peer() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    socklen_t len = sizeof(sa);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~udp_peer() { ::close(fd); }

  void send_to(uint16_t to_port, const std::vector<uint8_t>& bytes) const {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(to_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  }

  std::optional<std::vector<uint8_t>> receive() const {
    std::vector<uint8_t> buf(2048);
    auto n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
};

std::vector<uint8_t> rtp(uint16_t seq, size_t payload = 160) {
  std::vector<uint8_t> out(media::rtp_fixed_header_size + payload, 0xff);
  media::rtp_header h;
  h.payload_type = 0;
  h.sequence = seq;
  h.timestamp = seq * 160u;
  h.ssrc = 0x1234;
  media::write_rtp_header(out.data(), out.size(), h);
  return out;
}

std::vector<uint8_t> receiver_report() {
  // V=2, RC=0, PT=201, length=1 (8 bytes), SSRC.
  return {0x80, 201, 0x00, 0x01, 0x00, 0x00, 0x12, 0x34};
}

struct recorder : media::rtp_socket_listener {
  std::vector<std::vector<uint8_t>> rtp;
  std::vector<std::vector<uint8_t>> rtcp;
  void rtp_datagram(media::rtp_socket&, uint8_t* data, size_t len) override {
    rtp.emplace_back(data, data + len);
  }
  void rtcp_datagram(media::rtp_socket&, uint8_t* data, size_t len) override {
    rtcp.emplace_back(data, data + len);
  }
};

struct fixture {
  media::media_worker worker{"rtp-test"};  // driven by the test thread
  media::port_allocator ports{48000, 48099};
  recorder rec;
  std::unique_ptr<media::rtp_socket> sock;

  fixture() {
    std::string err;
    sock = media::rtp_socket::open(worker, &ports, "127.0.0.1", rec, err);
    CAF_REQUIRE(sock != nullptr);
  }

  // Sends from `peer` until one more RTP packet was delivered, or the deadline passes.
  bool deliver(const udp_peer& peer, uint16_t seq) {
    auto before = rec.rtp.size();
    peer.send_to(sock->rtp_port(), rtp(seq));
    return test::drive_until(
        worker, [&] { return rec.rtp.size() > before; }, 2s);
  }

  // Drives until `peer` received something, returning it.
  std::optional<std::vector<uint8_t>> await(const udp_peer& peer) {
    std::optional<std::vector<uint8_t>> got;
    test::drive_until(
        worker, [&] { return (got = peer.receive()).has_value(); }, 2s);
    return got;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(rtp_socket_tests, fixture)

CAF_TEST(the pair binds an even port of the range and the next one) {
  CAF_CHECK_EQUAL(sock->rtp_port() % 2, 0);
  CAF_CHECK_EQUAL(sock->rtcp_port(), sock->rtp_port() + 1);
  CAF_CHECK(sock->rtp_port() >= 48000 && sock->rtcp_port() <= 48099);
  CAF_CHECK_EQUAL(ports.in_use(), 2u);
  sock.reset();
  CAF_CHECK_EQUAL(ports.in_use(), 0u);
}

CAF_TEST(nothing is delivered or sent before the remote is known) {
  udp_peer peer;
  auto early = sock->counters().early;
  peer.send_to(sock->rtp_port(), rtp(1));
  CAF_CHECK(test::drive_until(
      worker, [&] { return sock->counters().early > early; }, 2s));
  CAF_CHECK(rec.rtp.empty());
  auto pkt = rtp(2);
  CAF_CHECK(!sock->send_rtp(pkt.data(), pkt.size()));
}

CAF_TEST(we send to the sdp address until rtp arrives then to its source) {
  udp_peer sdp_peer;
  udp_peer nat_peer;  // the same peer seen through a NAT: another port
  CAF_REQUIRE(sock->set_remote("127.0.0.1", sdp_peer.port));
  auto pkt = rtp(1);
  CAF_REQUIRE(sock->send_rtp(pkt.data(), pkt.size()));
  auto got = await(sdp_peer);
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(got->size(), pkt.size());
  CAF_CHECK(!sock->rtp_latched());
  CAF_REQUIRE(deliver(nat_peer, 10));
  CAF_CHECK(sock->rtp_latched());
  CAF_CHECK_EQUAL(sock->rtp_destination().port(), nat_peer.port);
  CAF_REQUIRE(sock->send_rtp(pkt.data(), pkt.size()));
  CAF_CHECK(await(nat_peer).has_value());
  CAF_CHECK(!sdp_peer.receive().has_value());
}

CAF_TEST(malformed datagrams are counted and never latch) {
  udp_peer peer;
  udp_peer attacker;
  CAF_REQUIRE(sock->set_remote("127.0.0.1", peer.port));
  attacker.send_to(sock->rtp_port(), {0x00, 0x01, 0x02});  // too short
  auto bad_version = rtp(1);
  bad_version[0] = 0x40;
  attacker.send_to(sock->rtp_port(), bad_version);
  auto bad_csrc = rtp(1, 0);
  bad_csrc[0] = 0x8f;  // 15 CSRCs announced, none present
  attacker.send_to(sock->rtp_port(), bad_csrc);
  CAF_CHECK(test::drive_until(
      worker, [&] { return sock->counters().malformed == 3; }, 2s));
  CAF_CHECK(rec.rtp.empty());
  CAF_CHECK(!sock->rtp_latched());
}

CAF_TEST(a second source is dropped until the latched one falls silent) {
  udp_peer first;
  udp_peer second;
  sock->set_relatch_after(100ms);
  CAF_REQUIRE(sock->set_remote("127.0.0.1", first.port));
  CAF_REQUIRE(deliver(first, 1));
  auto foreign = sock->counters().foreign;
  second.send_to(sock->rtp_port(), rtp(100));
  CAF_CHECK(test::drive_until(
      worker, [&] { return sock->counters().foreign > foreign; }, 2s));
  CAF_CHECK_EQUAL(rec.rtp.size(), 1u);
  CAF_CHECK_EQUAL(sock->rtp_destination().port(), first.port);
  // Once the first source is silent for longer than the relatch time, the second takes over.
  uint16_t seq = 101;
  CAF_CHECK(test::drive_until(
      worker,
      [&] {
        if (sock->counters().relatches > 0) return true;
        second.send_to(sock->rtp_port(), rtp(seq++));
        return false;
      },
      5s));
  CAF_CHECK_EQUAL(sock->rtp_destination().port(), second.port);
  CAF_CHECK_EQUAL(sock->counters().relatches, 1u);
}

CAF_TEST(rtcp arrives on the next port and latches on its own) {
  udp_peer rtp_peer;
  udp_peer rtcp_peer;
  CAF_REQUIRE(sock->set_remote("127.0.0.1", rtp_peer.port));
  rtcp_peer.send_to(sock->rtcp_port(), receiver_report());
  CAF_REQUIRE(test::drive_until(
      worker, [&] { return rec.rtcp.size() == 1; }, 2s));
  CAF_CHECK(rec.rtp.empty());
  auto rr = receiver_report();
  CAF_REQUIRE(sock->send_rtcp(rr.data(), rr.size()));
  CAF_CHECK(await(rtcp_peer).has_value());
  // Garbage on the RTCP port is malformed.
  rtcp_peer.send_to(sock->rtcp_port(), {0x80, 201, 0xff, 0xff});
  CAF_CHECK(test::drive_until(
      worker, [&] { return sock->counters().malformed == 1; }, 2s));
}

CAF_TEST(before any rtcp arrives rtcp goes to the sdp port plus one) {
  udp_peer rtp_peer;
  CAF_REQUIRE(sock->set_remote("127.0.0.1", 48200));
  {
    auto rr = receiver_report();
    // Sent (the kernel accepts it even if nobody listens on 48201).
    CAF_CHECK(sock->send_rtcp(rr.data(), rr.size()));
  }
  CAF_CHECK_EQUAL(sock->counters().rtcp_packets_out, 1u);
}

CAF_TEST(a remote that is not an ip literal is refused) {
  CAF_CHECK(!sock->set_remote("sbc.example.com", 5004));
  CAF_CHECK(!sock->set_remote("127.0.0.1", 0));
}

CAF_TEST(the range exhausted gives an error) {
  media::port_allocator tiny{48200, 48201};
  std::string err;
  auto a = media::rtp_socket::open(worker, &tiny, "127.0.0.1", rec, err);
  CAF_REQUIRE(a != nullptr);
  auto b = media::rtp_socket::open(worker, &tiny, "127.0.0.1", rec, err);
  CAF_CHECK(b == nullptr);
  CAF_CHECK(err.find("exhausted") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
