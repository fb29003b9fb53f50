// Unit suite of the ICE agent: two libnice agents on loopback connect and exchange datagrams.
#define CAF_SUITE media.ice_agent

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "media/ice/ice_agent.hpp"
#include "media/worker/media_worker.hpp"
#include "media/worker/port_allocator.hpp"
#include "tests/unit/media_test_support.hpp"

using namespace wrtc;
using namespace std::chrono_literals;

namespace {

struct recorder : media::ice_agent_listener {
  bool gathered = false;
  std::vector<media::ice_state> states;
  std::vector<std::string> received;

  void ice_gathering_done(media::ice_agent&) override { gathered = true; }
  void ice_state_changed(media::ice_agent&, media::ice_state s) override { states.push_back(s); }
  void ice_datagram(media::ice_agent&, uint8_t* data, size_t len) override {
    received.emplace_back(reinterpret_cast<const char*>(data), len);
  }

  bool saw(media::ice_state s) const {
    for (auto x : states)
      if (x == s) return true;
    return false;
  }
  bool up() const { return saw(media::ice_state::connected) || saw(media::ice_state::ready); }
};

struct fixture {
  media::media_worker worker{"ice-test"};  // never started: the test thread drives it
  media::port_allocator ports{47000, 47099};

  static media::ice_agent_config config(bool controlling) {
    media::ice_agent_config cfg;
    cfg.address = "127.0.0.1";
    cfg.controlling = controlling;
    return cfg;
  }
};

bool send_text(media::ice_agent& agent, const std::string& text) {
  return agent.send(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(ice_agent_tests, fixture)

CAF_TEST(libnice runs its own stun code) {
  // Fails when a library linked before libnice (sofia-sip) shadows one of its STUN symbols.
  std::string err;
  CAF_CHECK(media::ice_agent::check_library(err));
  CAF_CHECK_EQUAL(err, "");
}

CAF_TEST(host candidates are on the media address and a port of the range) {
  recorder r;
  media::ice_agent a{worker, &ports, config(true), r};
  std::string err;
  CAF_REQUIRE(a.gather(err));
  CAF_CHECK(!r.gathered);  // reported on a later loop turn, never inside gather()
  CAF_REQUIRE(test::drive_until(worker, [&] { return r.gathered; }));
  auto cands = a.local_candidates();
  CAF_REQUIRE_EQUAL(cands.size(), 1u);
  CAF_MESSAGE("local candidate: " << cands[0]);
  CAF_CHECK(cands[0].starts_with("candidate:"));
  CAF_CHECK(cands[0].find(" UDP ") != std::string::npos);
  CAF_CHECK(cands[0].find(" 127.0.0.1 " + std::to_string(a.local_port()) + " typ host") !=
            std::string::npos);
  CAF_CHECK(a.local_port() >= 47000 && a.local_port() <= 47099);
  CAF_CHECK_EQUAL(ports.in_use(), 1u);
  CAF_CHECK(a.local_ufrag().size() >= 4);
  CAF_CHECK(a.local_pwd().size() >= 22);
}

CAF_TEST(the port returns to the range when the agent goes) {
  {
    recorder r;
    media::ice_agent a{worker, &ports, config(false), r};
    std::string err;
    CAF_REQUIRE(a.gather(err));
    CAF_CHECK_EQUAL(ports.in_use(), 1u);
  }
  CAF_CHECK_EQUAL(ports.in_use(), 0u);
}

CAF_TEST(a port taken by another process is skipped) {
  // Hold the first port of a one-and-a-half port range outside libnice.
  media::port_allocator small{47100, 47101};
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(47100);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE_EQUAL(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  recorder r;
  media::ice_agent a{worker, &small, config(true), r};
  std::string err;
  CAF_REQUIRE(a.gather(err));
  CAF_CHECK_EQUAL(a.local_port(), 47101);
  CAF_CHECK_EQUAL(small.in_use(), 1u);
  ::close(fd);
}

CAF_TEST(gathering fails cleanly when the range is exhausted) {
  media::port_allocator none{47200, 47199};
  recorder r;
  media::ice_agent a{worker, &none, config(true), r};
  std::string err;
  CAF_CHECK(!a.gather(err));
  CAF_CHECK(err.find("exhausted") != std::string::npos);
}

CAF_TEST(two agents on loopback connect and exchange datagrams both ways) {
  recorder ra;
  recorder rb;
  media::ice_agent a{worker, &ports, config(true), ra};
  media::ice_agent b{worker, &ports, config(false), rb};
  std::string err;
  CAF_REQUIRE(a.gather(err));
  CAF_REQUIRE(b.gather(err));
  CAF_REQUIRE(test::drive_until(worker, [&] { return ra.gathered && rb.gathered; }));
  CAF_CHECK(!send_text(a, "too early"));
  CAF_REQUIRE(a.set_remote_credentials(b.local_ufrag(), b.local_pwd()));
  CAF_REQUIRE(b.set_remote_credentials(a.local_ufrag(), a.local_pwd()));
  auto ca = a.local_candidates();
  auto cb = b.local_candidates();
  ca.push_back("end-of-candidates");
  cb.push_back("a=end-of-candidates");
  CAF_CHECK_EQUAL(b.add_remote_candidates(ca), 1);
  CAF_CHECK_EQUAL(a.add_remote_candidates(cb), 1);
  CAF_REQUIRE(test::drive_until(worker, [&] { return ra.up() && rb.up(); }));
  CAF_CHECK(!ra.saw(media::ice_state::failed));
  CAF_CHECK(!rb.saw(media::ice_state::failed));
  CAF_MESSAGE("a selected " << a.selected_pair() << ", b selected " << b.selected_pair());
  CAF_CHECK(a.selected_pair().find("127.0.0.1:" + std::to_string(b.local_port())) !=
            std::string::npos);
  CAF_REQUIRE(send_text(a, "from a"));
  CAF_REQUIRE(send_text(b, "from b"));
  CAF_REQUIRE(
      test::drive_until(worker, [&] { return !ra.received.empty() && !rb.received.empty(); }));
  CAF_CHECK_EQUAL(rb.received.front(), "from a");
  CAF_CHECK_EQUAL(ra.received.front(), "from b");
  // Both reach `ready` once the checks finish.
  CAF_CHECK(test::drive_until(
      worker, [&] { return ra.saw(media::ice_state::ready) && rb.saw(media::ice_state::ready); }));
}

CAF_TEST(a peer that never answers checks fails the component after end of candidates) {
  // A UDP socket that swallows every check.
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE_EQUAL(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  socklen_t sl = sizeof(sa);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &sl);
  auto port = ntohs(sa.sin_port);
  recorder r;
  media::ice_agent a{worker, &ports, config(true), r};
  std::string err;
  CAF_REQUIRE(a.gather(err));
  CAF_REQUIRE(a.set_remote_credentials("deaf", "deafdeafdeafdeafdeafdeaf"));
  CAF_CHECK_EQUAL(a.add_remote_candidates({"candidate:1 1 udp 2130706431 127.0.0.1 " +
                                               std::to_string(port) + " typ host",
                                           "end-of-candidates"}),
                  1);
  CAF_CHECK(test::drive_until(
      worker, [&] { return r.saw(media::ice_state::failed); }, 20s));
  CAF_CHECK(!r.up());
  ::close(fd);
}

CAF_TEST(remote candidate lines are normalised and the unusable ones skipped) {
  recorder r;
  media::ice_agent a{worker, &ports, config(false), r};
  std::string err;
  CAF_REQUIRE(a.gather(err));
  std::vector<std::string> lines = {
      // Chromium's trickle form: lower-case transport, extension attributes.
      "candidate:842163049 1 udp 1677729535 127.0.0.1 50000 typ host generation 0 ufrag abcd "
      "network-id 1 network-cost 10",
      // SDP form with a=, and a trailing CRLF.
      "a=candidate:1 1 UDP 2130706431 127.0.0.1 50002 typ host\r\n",
      // Skipped: TCP, RTCP component (rtcp-mux is required), an mDNS name, garbage.
      "candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
      "candidate:3 2 udp 2130706430 127.0.0.1 50001 typ host",
      "candidate:4 1 udp 2130706431 0b5d6c3e-1111-2222-3333-444455556666.local 50004 typ host",
      "candidate:garbage",
      "",
  };
  CAF_CHECK_EQUAL(a.add_remote_candidates(lines), 2);
}

CAF_TEST(turn uris are parsed to ip literals only) {
  auto t = media::turn_server::from_uri("turn:127.0.0.1:3478?transport=udp", "agent", "secret");
  CAF_REQUIRE(t);
  CAF_CHECK_EQUAL(t->host, "127.0.0.1");
  CAF_CHECK_EQUAL(t->port, 3478);
  CAF_CHECK_EQUAL(t->username, "agent");
  auto d = media::turn_server::from_uri("turn:10.1.2.3", "u", "p");
  CAF_REQUIRE(d);
  CAF_CHECK_EQUAL(d->port, 3478);
  auto v6 = media::turn_server::from_uri("turn:[::1]:5349", "u", "p");
  CAF_REQUIRE(v6);
  CAF_CHECK_EQUAL(v6->host, "::1");
  CAF_CHECK(!media::turn_server::from_uri("turn:turn.example.com:3478", "u", "p"));
  CAF_CHECK(!media::turn_server::from_uri("turn:127.0.0.1:3478?transport=tcp", "u", "p"));
  CAF_CHECK(!media::turn_server::from_uri("turns:127.0.0.1:5349", "u", "p"));
  CAF_CHECK(!media::turn_server::from_uri("turn:127.0.0.1:99999", "u", "p"));
}

CAF_TEST_FIXTURE_SCOPE_END()
