// Unit suite of DTLS-SRTP: two transports back to back in memory, and libsrtp2 sessions.
#define CAF_SUITE media.dtls_srtp

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <thread>

#include "caf/test/unit_test.hpp"
#include "media/dtls/dtls_certificate.hpp"
#include "media/dtls/dtls_fingerprint.hpp"
#include "media/dtls/dtls_transport.hpp"
#include "media/srtp/srtp_session.hpp"

using namespace wrtc::media;

namespace {

using bytes = std::vector<uint8_t>;

// Two processes' identities, generated once for the suite.
const std::shared_ptr<const dtls_certificate>& certificate(int which) {
  static auto make = [] {
    std::string error;
    auto c = dtls_certificate::generate(error);
    CAF_REQUIRE_EQUAL(error, "");
    CAF_REQUIRE(c != nullptr);
    return c;
  };
  static const std::shared_ptr<const dtls_certificate> certs[] = {make(), make()};
  return certs[which];
}

/// The owner of one transport: records what the transport tells it.
struct endpoint : dtls_transport::listener {
  std::deque<bytes> outbox;
  size_t largest_datagram = 0;
  size_t datagrams_sent = 0;
  std::optional<srtp_keys> keys;
  int connected_calls = 0;
  std::optional<std::string> failure;
  bool closed = false;
  std::function<void()> on_event;

  void dtls_send(const uint8_t* data, size_t len) override {
    outbox.emplace_back(data, data + len);
    largest_datagram = std::max(largest_datagram, len);
    ++datagrams_sent;
  }
  void dtls_connected(const srtp_keys& k) override {
    keys = k;
    ++connected_calls;
    if (on_event) {
      on_event();
    }
  }
  void dtls_failed(const std::string& reason) override {
    failure = reason;
    if (on_event) {
      on_event();
    }
  }
  void dtls_closed() override {
    closed = true;
    if (on_event) {
      on_event();
    }
  }
};

struct fixture {
  endpoint a;  // owns `client`
  endpoint b;  // owns `server`
  std::unique_ptr<dtls_transport> client;
  std::unique_ptr<dtls_transport> server;

  void make(dtls_transport_options client_opts = {}, dtls_transport_options server_opts = {}) {
    client = std::make_unique<dtls_transport>(certificate(0), a, std::move(client_opts));
    server = std::make_unique<dtls_transport>(certificate(1), b, std::move(server_opts));
  }

  /// Starts both sides, each expecting the other's real fingerprint unless told otherwise.
  void start(std::string client_expects = certificate(1)->fingerprint_sha256(),
             std::string server_expects = certificate(0)->fingerprint_sha256()) {
    server->start(dtls_role::server, "sha-256", std::move(server_expects));
    client->start(dtls_role::client, "sha-256", std::move(client_expects));
  }

  /// Delivers queued datagrams both ways until none is left (or a transport was destroyed).
  void pump() {
    for (int round = 0; round < 100 && (!a.outbox.empty() || !b.outbox.empty()); ++round) {
      deliver(a, server);
      deliver(b, client);
    }
  }

  static void deliver(endpoint& from, std::unique_ptr<dtls_transport>& to) {
    auto batch = std::move(from.outbox);
    from.outbox.clear();
    for (auto& d : batch) {
      if (to) {
        to->on_datagram(d.data(), d.size());
      }
    }
  }

  /// Sleeps until the earliest timer of either side is due, then fires both.
  void fire_timers() {
    int64_t due = -1;
    for (auto* t : {client.get(), server.get()}) {
      if (t != nullptr && t->timer_ms() >= 0) {
        due = due < 0 ? t->timer_ms() : std::min(due, t->timer_ms());
      }
    }
    CAF_REQUIRE(due >= 0);
    std::this_thread::sleep_for(std::chrono::milliseconds{due + 1});
    for (auto* t : {client.get(), server.get()}) {
      if (t != nullptr) {
        t->on_timer();
      }
    }
  }

  void handshake(dtls_transport_options client_opts = {}, dtls_transport_options server_opts = {}) {
    make(std::move(client_opts), std::move(server_opts));
    start();
    pump();
    CAF_REQUIRE(client->connected());
    CAF_REQUIRE(server->connected());
    CAF_REQUIRE(a.keys.has_value());
    CAF_REQUIRE(b.keys.has_value());
  }
};

dtls_transport_options only(srtp_profile p) {
  dtls_transport_options o;
  o.srtp_profiles = {p};
  return o;
}

dtls_transport_options fast_timers() {
  dtls_transport_options o;
  o.initial_retransmission = std::chrono::milliseconds{50};
  o.max_retransmission = std::chrono::milliseconds{100};
  return o;
}

/// Deterministic noise; `first` >= 0 sets the first byte.
struct noise {
  std::mt19937 rng{7};

  bytes operator()(size_t n, int first = -1) {
    bytes d(n);
    for (auto& x : d) {
      x = static_cast<uint8_t>(rng());
    }
    if (first >= 0 && n > 0) {
      d[0] = static_cast<uint8_t>(first);
    }
    return d;
  }

  /// A well-formed DTLS 1.2 record header (type, epoch, length) around a random body.
  bytes record(int type, int epoch, size_t body = 64) {
    auto d = (*this)(13 + body, type);
    d[1] = 0xfe;
    d[2] = 0xfd;
    d[3] = 0;
    d[4] = static_cast<uint8_t>(epoch);
    d[11] = static_cast<uint8_t>(body >> 8);
    d[12] = static_cast<uint8_t>(body);
    return d;
  }

  /// Datagrams that are not DTLS 1.2 records at all: empty, short, other protocols, random.
  void spray_junk(dtls_transport& t) {
    t.on_datagram(nullptr, 0);
    for (int first : {0x00, 0x01, 0x80, 0x90, 0xff, 20, 21, 22, 23, 63}) {
      for (size_t n : {1u, 12u, 13u, 14u, 100u, 1500u}) {
        auto d = (*this)(n, first);
        t.on_datagram(d.data(), d.size());
      }
    }
  }

  /// Well-formed records with random bodies, every content type, epochs 0 and 1.
  void spray_records(dtls_transport& t, std::initializer_list<int> epochs) {
    for (int type : {20, 21, 22, 23}) {
      for (int epoch : epochs) {
        auto d = record(type, epoch);
        t.on_datagram(d.data(), d.size());
      }
    }
  }
};

// -- RTP and RTCP packets -----------------------------------------------------

constexpr size_t rtp_payload = 160;  // 20 ms of G.711; with the header the 172-byte packet

bytes rtp_packet(uint16_t seq, uint32_t ssrc = 0x11223344, size_t payload = rtp_payload) {
  bytes p(12 + payload);
  p[0] = 0x80;
  p[1] = 111;
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  uint32_t ts = seq * 960u;
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<uint8_t>(ts >> (24 - 8 * i));
    p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (size_t i = 0; i < payload; ++i) {
    p[12 + i] = static_cast<uint8_t>(i * 7 + seq);
  }
  return p;
}

// A sender report without report blocks: 28 bytes.
bytes rtcp_sender_report(uint32_t ssrc = 0x11223344) {
  bytes p(28);
  p[0] = 0x80;
  p[1] = 200;
  p[3] = 6;  // length in 32-bit words minus one
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (size_t i = 8; i < p.size(); ++i) {
    p[i] = static_cast<uint8_t>(i);
  }
  return p;
}

struct srtp_pair {
  std::unique_ptr<srtp_session> out;
  std::unique_ptr<srtp_session> in;
};

srtp_pair sessions(srtp_profile p, const bytes& master) {
  std::string error;
  srtp_pair s{srtp_session::create(p, srtp_session::direction::outbound, master, error),
              srtp_session::create(p, srtp_session::direction::inbound, master, error)};
  CAF_REQUIRE_EQUAL(error, "");
  CAF_REQUIRE(s.out != nullptr);
  CAF_REQUIRE(s.in != nullptr);
  return s;
}

bytes test_master(srtp_profile p, uint8_t seed = 1) {
  bytes m(srtp_master_length(p));
  for (size_t i = 0; i < m.size(); ++i) {
    m[i] = static_cast<uint8_t>(seed + i * 13);
  }
  return m;
}

/// Protects `plain` into an exactly sized buffer (so a write past the trailer shows under ASan).
bytes protect(srtp_session& s, const bytes& plain, bool rtcp) {
  auto overhead = rtcp ? srtp_rtcp_overhead(s.profile()) : srtp_rtp_overhead(s.profile());
  bytes buf(plain.size() + overhead);
  std::memcpy(buf.data(), plain.data(), plain.size());
  size_t len = plain.size();
  auto r = rtcp ? s.protect_rtcp(buf.data(), len, buf.size())
                : s.protect_rtp(buf.data(), len, buf.size());
  CAF_REQUIRE(r);
  CAF_REQUIRE_EQUAL(len, buf.size());
  return buf;
}

srtp_result unprotect(srtp_session& s, bytes& buf, bool rtcp) {
  size_t len = buf.size();
  auto r = rtcp ? s.unprotect_rtcp(buf.data(), len) : s.unprotect_rtp(buf.data(), len);
  if (r) {
    buf.resize(len);
  }
  return r;
}

}  // namespace

// -- demultiplexing and fingerprints ------------------------------------------

CAF_TEST(the first byte tells DTLS from STUN and RTP) {
  bytes record(13, 0);
  record[0] = 22;  // handshake
  CAF_CHECK(looks_like_dtls(record.data(), record.size()));
  record[0] = 63;
  CAF_CHECK(looks_like_dtls(record.data(), record.size()));
  for (uint8_t first : {0, 1, 3, 19, 64, 128, 191, 255}) {
    record[0] = first;
    CAF_CHECK(!looks_like_dtls(record.data(), record.size()));
  }
  record[0] = 22;
  CAF_CHECK(!looks_like_dtls(record.data(), 12));
  CAF_CHECK(!looks_like_dtls(nullptr, 0));
}

CAF_TEST(the certificate fingerprint is in SDP form) {
  const auto& fp = certificate(0)->fingerprint_sha256();
  CAF_REQUIRE_EQUAL(fp.size(), 32u * 3 - 1);
  for (size_t i = 0; i < fp.size(); ++i) {
    if (i % 3 == 2) {
      CAF_CHECK_EQUAL(fp[i], ':');
    } else {
      CAF_CHECK((fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'A' && fp[i] <= 'F'));
    }
  }
  CAF_CHECK_NOT_EQUAL(fp, certificate(1)->fingerprint_sha256());
  std::string error;
  auto parsed = dtls_fingerprint::parse("SHA-256", fp, error);
  CAF_REQUIRE(parsed.has_value());
  CAF_CHECK(parsed->matches(certificate(0)->x509()));
  CAF_CHECK(!parsed->matches(certificate(1)->x509()));
  CAF_CHECK_EQUAL(parsed->to_sdp(), fp);
}

CAF_TEST(fingerprints parse leniently in case and strictly in shape) {
  std::string error;
  auto fp = certificate(0)->fingerprint_sha256();
  std::string lower = fp;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  CAF_CHECK(dtls_fingerprint::parse("sha-256", lower, error).has_value());
  CAF_CHECK(!dtls_fingerprint::parse("sha-256", fp.substr(3), error).has_value());
  CAF_CHECK(!dtls_fingerprint::parse("md5", fp, error).has_value());
  CAF_CHECK(!dtls_fingerprint::parse("sha-1", fp, error).has_value());
  std::string bad = fp;
  bad[2] = '-';
  CAF_CHECK(!dtls_fingerprint::parse("sha-256", bad, error).has_value());
  bad = fp;
  bad[0] = 'G';
  CAF_CHECK(!dtls_fingerprint::parse("sha-256", bad, error).has_value());
  for (auto h : {dtls_fingerprint::hash::sha1, dtls_fingerprint::hash::sha384,
                 dtls_fingerprint::hash::sha512}) {
    auto of = dtls_fingerprint::of(certificate(1)->x509(), h);
    CAF_REQUIRE(of.has_value());
    auto back = dtls_fingerprint::parse(of->algorithm(), of->to_sdp(), error);
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(back->matches(certificate(1)->x509()));
  }
}

CAF_TEST_FIXTURE_SCOPE(dtls_handshake, fixture)

// -- handshake ----------------------------------------------------------------

CAF_TEST(client and server agree on GCM keys) {
  handshake();
  CAF_CHECK_EQUAL(a.connected_calls, 1);
  CAF_CHECK_EQUAL(b.connected_calls, 1);
  CAF_CHECK(a.keys->profile == srtp_profile::aead_aes_128_gcm);
  CAF_CHECK(b.keys->profile == srtp_profile::aead_aes_128_gcm);
  CAF_CHECK_EQUAL(a.keys->local_master.size(), 28u);
  CAF_CHECK(a.keys->local_master == b.keys->remote_master);
  CAF_CHECK(a.keys->remote_master == b.keys->local_master);
  CAF_CHECK(a.keys->local_master != a.keys->remote_master);
  CAF_CHECK(!a.failure);
  CAF_CHECK(!b.failure);
  CAF_CHECK_EQUAL(client->timer_ms(), -1);
  CAF_CHECK_EQUAL(server->timer_ms(), -1);
}

CAF_TEST(every datagram fits the MTU and small MTUs fragment the flights) {
  handshake();
  CAF_CHECK_LESS_OR_EQUAL(a.largest_datagram, 1200u);
  CAF_CHECK_LESS_OR_EQUAL(b.largest_datagram, 1200u);
  auto default_datagrams = a.datagrams_sent + b.datagrams_sent;
  a = endpoint{};
  b = endpoint{};
  dtls_transport_options small;
  small.mtu = 300;
  handshake(small, small);
  CAF_CHECK_LESS_OR_EQUAL(a.largest_datagram, 300u);
  CAF_CHECK_LESS_OR_EQUAL(b.largest_datagram, 300u);
  CAF_CHECK_GREATER(a.datagrams_sent + b.datagrams_sent, default_datagrams);
  CAF_MESSAGE("datagrams per handshake: " << default_datagrams << " at MTU 1200, "
                                          << a.datagrams_sent + b.datagrams_sent << " at 300");
}

CAF_TEST(a client offering only CM gets CM) {
  handshake(only(srtp_profile::aes_cm_128_hmac_sha1_80));
  CAF_CHECK(a.keys->profile == srtp_profile::aes_cm_128_hmac_sha1_80);
  CAF_CHECK(b.keys->profile == srtp_profile::aes_cm_128_hmac_sha1_80);
  CAF_CHECK_EQUAL(a.keys->local_master.size(), 30u);
  CAF_CHECK(a.keys->local_master == b.keys->remote_master);
  CAF_CHECK(a.keys->remote_master == b.keys->local_master);
}

CAF_TEST(a server accepting only CM gets CM) {
  handshake({}, only(srtp_profile::aes_cm_128_hmac_sha1_80));
  CAF_CHECK(a.keys->profile == srtp_profile::aes_cm_128_hmac_sha1_80);
  CAF_CHECK(b.keys->profile == srtp_profile::aes_cm_128_hmac_sha1_80);
}

CAF_TEST(no common SRTP profile fails both sides without keys) {
  make(only(srtp_profile::aead_aes_128_gcm), only(srtp_profile::aes_cm_128_hmac_sha1_80));
  start();
  pump();
  CAF_CHECK(!a.keys);
  CAF_CHECK(!b.keys);
  CAF_REQUIRE(a.failure.has_value());
  CAF_REQUIRE(b.failure.has_value());
  CAF_CHECK_EQUAL(*a.failure, "no SRTP profile negotiated");
  CAF_CHECK_EQUAL(*b.failure, "no SRTP profile negotiated");
}

CAF_TEST(a server fingerprint mismatch fails the handshake without keys) {
  make();
  // The client expects someone else's certificate: its own.
  start(certificate(0)->fingerprint_sha256());
  pump();
  CAF_CHECK(!a.keys);
  CAF_CHECK(!b.keys);
  CAF_REQUIRE(a.failure.has_value());
  CAF_CHECK_EQUAL(*a.failure, "fingerprint mismatch");
  // The client's alert reaches the server, which never saw a Finished.
  CAF_REQUIRE(b.failure.has_value());
  CAF_MESSAGE("server reports: " << *b.failure);
  CAF_CHECK(!client->connected());
  CAF_CHECK(!server->connected());
}

CAF_TEST(a client fingerprint mismatch fails the handshake without keys) {
  make();
  auto wrong = certificate(0)->fingerprint_sha256();
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  start(certificate(1)->fingerprint_sha256(), wrong);
  pump();
  CAF_CHECK(!a.keys);
  CAF_CHECK(!b.keys);
  CAF_REQUIRE(b.failure.has_value());
  CAF_CHECK_EQUAL(*b.failure, "fingerprint mismatch");
  CAF_REQUIRE(a.failure.has_value());
  CAF_MESSAGE("client reports: " << *a.failure);
}

CAF_TEST(a sha - 1 fingerprint is checked too) {
  make();
  std::string error;
  auto fp0 = dtls_fingerprint::of(certificate(0)->x509(), dtls_fingerprint::hash::sha1);
  auto fp1 = dtls_fingerprint::of(certificate(1)->x509(), dtls_fingerprint::hash::sha512);
  server->start(dtls_role::server, "sha-1", fp0->to_sdp());
  client->start(dtls_role::client, "sha-512", fp1->to_sdp());
  pump();
  CAF_CHECK(client->connected());
  CAF_CHECK(server->connected());
}

CAF_TEST(a malformed remote fingerprint fails at start) {
  make();
  client->start(dtls_role::client, "sha-256", "not a fingerprint");
  CAF_REQUIRE(a.failure.has_value());
  CAF_CHECK(a.failure->find("bad remote fingerprint") == 0);
  CAF_CHECK(a.outbox.empty());
}

CAF_TEST(a lost first flight is recovered by the retransmission timer) {
  make(fast_timers(), fast_timers());
  start();
  // The ClientHello is lost.
  CAF_REQUIRE(!a.outbox.empty());
  a.outbox.clear();
  pump();
  CAF_CHECK(!client->connected());
  auto due = client->timer_ms();
  CAF_CHECK_GREATER_OR_EQUAL(due, 0);
  CAF_CHECK_LESS_OR_EQUAL(due, 50);
  CAF_CHECK_EQUAL(server->timer_ms() > 1000, true);  // only the handshake deadline runs there
  CAF_CHECK(a.outbox.empty());
  fire_timers();
  CAF_CHECK(!a.outbox.empty());
  pump();
  CAF_CHECK(client->connected());
  CAF_CHECK(server->connected());
  CAF_REQUIRE(a.keys && b.keys);
  CAF_CHECK(a.keys->local_master == b.keys->remote_master);
}

CAF_TEST(a lost server flight is recovered by the retransmission timer) {
  make(fast_timers(), fast_timers());
  start();
  deliver(a, server);
  // ServerHello .. ServerHelloDone are lost.
  CAF_REQUIRE(!b.outbox.empty());
  b.outbox.clear();
  for (int i = 0; i < 5 && !(client->connected() && server->connected()); ++i) {
    fire_timers();
    pump();
  }
  CAF_CHECK(client->connected());
  CAF_CHECK(server->connected());
}

CAF_TEST(a lost final server flight is recovered) {
  make(fast_timers(), fast_timers());
  start();
  deliver(a, server);  // ClientHello
  deliver(b, client);  // server flight
  deliver(a, server);  // client Certificate .. Finished: the server is done
  CAF_REQUIRE(server->connected());
  // Its ChangeCipherSpec + Finished are lost: the client retransmits, the server answers again.
  b.outbox.clear();
  CAF_CHECK(!client->connected());
  fire_timers();
  pump();
  CAF_CHECK(client->connected());
  CAF_CHECK_EQUAL(b.connected_calls, 1);
  CAF_REQUIRE(a.keys && b.keys);
  CAF_CHECK(a.keys->local_master == b.keys->remote_master);
}

CAF_TEST(a handshake that never completes times out) {
  auto opts = fast_timers();
  opts.handshake_timeout = std::chrono::milliseconds{300};
  make(opts, opts);
  start();
  for (int i = 0; i < 50 && !a.failure; ++i) {
    a.outbox.clear();  // the path is dead
    fire_timers();
  }
  CAF_REQUIRE(a.failure.has_value());
  CAF_CHECK_EQUAL(*a.failure, "handshake timeout");
  CAF_REQUIRE(b.failure.has_value());
  CAF_CHECK_EQUAL(*b.failure, "handshake timeout");
  CAF_CHECK_EQUAL(client->timer_ms(), -1);
  CAF_CHECK(!a.keys);
}

CAF_TEST(junk that is not a DTLS record is ignored at every stage) {
  make();
  noise junk;
  junk.spray_junk(*server);  // before start
  junk.spray_junk(*client);
  CAF_CHECK_GREATER(server->dropped_datagrams(), 0u);
  start();
  junk.spray_junk(*server);          // mid-handshake, after the ClientHello was sent
  junk.spray_records(*server, {1});  // records of an epoch that has no keys yet
  deliver(a, server);
  junk.spray_junk(*client);  // the client is waiting for the server's flight
  junk.spray_records(*client, {1});
  pump();
  CAF_CHECK(!a.failure);
  CAF_CHECK(!b.failure);
  CAF_CHECK(client->connected());
  CAF_CHECK(server->connected());
  CAF_MESSAGE("dropped at the boundary: client " << client->dropped_datagrams() << ", server "
                                                 << server->dropped_datagrams());
}

CAF_TEST(forged plaintext records abort a handshake cleanly) {
  // Before keys exist, DTLS 1.2 cannot tell a forged epoch-0 record from the peer's, and OpenSSL
  // answers a malformed one with a fatal alert: the handshake fails, reported, never with keys.
  for (int type : {20, 21, 22, 23}) {
    a = endpoint{};
    b = endpoint{};
    make();
    start();
    noise junk;
    auto d = junk.record(type, 0);
    server->on_datagram(d.data(), d.size());
    pump();
    CAF_CHECK(!a.keys);
    CAF_CHECK(!b.keys);
    CAF_CHECK(b.failure.has_value());
    CAF_CHECK(!server->connected());
    CAF_MESSAGE("record type " << type << ": server reports " << b.failure.value_or("-"));
  }
}

CAF_TEST(garbage after the handshake is ignored) {
  handshake();
  auto keys_before = *a.keys;
  noise junk;
  for (auto* t : {client.get(), server.get()}) {
    junk.spray_junk(*t);
    junk.spray_records(*t, {0, 1, 2});
  }
  pump();
  CAF_CHECK(client->connected());
  CAF_CHECK(server->connected());
  CAF_CHECK(!a.failure);
  CAF_CHECK(!b.failure);
  CAF_CHECK_EQUAL(a.connected_calls, 1);
  CAF_CHECK_EQUAL(b.connected_calls, 1);
  CAF_CHECK(a.keys->local_master == keys_before.local_master);
}

CAF_TEST(close sends close_notify and the peer reports it) {
  handshake();
  client->close();
  CAF_CHECK(!client->connected());
  CAF_REQUIRE(!a.outbox.empty());
  pump();
  CAF_CHECK(b.closed);
  CAF_CHECK(!b.failure);
  CAF_CHECK(!a.closed);  // a local close is not reported
  CAF_CHECK(server->current_state() == dtls_transport::state::closed);
}

CAF_TEST(the owner may destroy the transport from its callback) {
  make();
  a.on_event = [this] { client.reset(); };
  b.on_event = [this] { server.reset(); };
  start();
  pump();
  CAF_CHECK(a.keys.has_value());
  CAF_CHECK(b.keys.has_value());
  CAF_CHECK(client == nullptr);
  CAF_CHECK(server == nullptr);
}

// -- SRTP with the negotiated keys --------------------------------------------

CAF_TEST(negotiated keys protect RTP and RTCP both ways for both profiles) {
  for (auto profile : {srtp_profile::aead_aes_128_gcm, srtp_profile::aes_cm_128_hmac_sha1_80}) {
    a = endpoint{};
    b = endpoint{};
    handshake(only(profile));
    CAF_REQUIRE(a.keys->profile == profile);
    std::string error;
    using dir = srtp_session::direction;
    auto a_out = srtp_session::create(profile, dir::outbound, a.keys->local_master, error);
    auto a_in = srtp_session::create(profile, dir::inbound, a.keys->remote_master, error);
    auto b_out = srtp_session::create(profile, dir::outbound, b.keys->local_master, error);
    auto b_in = srtp_session::create(profile, dir::inbound, b.keys->remote_master, error);
    CAF_REQUIRE(a_out && a_in && b_out && b_in);
    for (uint16_t seq = 1; seq < 20; ++seq) {
      auto plain = rtp_packet(seq);
      auto wire = protect(*a_out, plain, false);
      CAF_CHECK(!std::equal(plain.begin() + 12, plain.end(), wire.begin() + 12));
      CAF_REQUIRE(unprotect(*b_in, wire, false));
      CAF_CHECK(wire == plain);
      auto back = rtp_packet(seq, 0x55667788);
      auto back_wire = protect(*b_out, back, false);
      CAF_REQUIRE(unprotect(*a_in, back_wire, false));
      CAF_CHECK(back_wire == back);
    }
    auto sr = rtcp_sender_report();
    auto sr_wire = protect(*a_out, sr, true);
    CAF_CHECK_EQUAL(sr_wire.size(), sr.size() + srtp_rtcp_overhead(profile));
    CAF_REQUIRE(unprotect(*b_in, sr_wire, true));
    CAF_CHECK(sr_wire == sr);
    // The other direction's keys do not open it.
    auto crossed = protect(*a_out, rtp_packet(100), false);
    auto r = unprotect(*a_in, crossed, false);
    CAF_CHECK(r.status == srtp_status::unauthenticated);
  }
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- SRTP sessions alone ------------------------------------------------------

CAF_TEST(srtp round trip of RTP and RTCP for both profiles) {
  for (auto profile : {srtp_profile::aead_aes_128_gcm, srtp_profile::aes_cm_128_hmac_sha1_80}) {
    auto s = sessions(profile, test_master(profile));
    auto plain = rtp_packet(1000);
    auto wire = protect(*s.out, plain, false);
    CAF_CHECK_EQUAL(wire.size(), 172u + srtp_rtp_overhead(profile));
    CAF_REQUIRE(unprotect(*s.in, wire, false));
    CAF_CHECK(wire == plain);
    for (int i = 0; i < 3; ++i) {
      auto sr = rtcp_sender_report();
      auto sr_wire = protect(*s.out, sr, true);
      CAF_REQUIRE(unprotect(*s.in, sr_wire, true));
      CAF_CHECK(sr_wire == sr);
    }
  }
}

CAF_TEST(a replayed packet is rejected as replayed) {
  for (auto profile : {srtp_profile::aead_aes_128_gcm, srtp_profile::aes_cm_128_hmac_sha1_80}) {
    auto s = sessions(profile, test_master(profile));
    auto wire = protect(*s.out, rtp_packet(1), false);
    auto copy = wire;
    CAF_REQUIRE(unprotect(*s.in, wire, false));
    auto again = unprotect(*s.in, copy, false);
    CAF_CHECK(again.status == srtp_status::replayed);
    CAF_CHECK(!again);
    // Older than the 1024-packet window.
    auto old = protect(*s.out, rtp_packet(2), false);
    auto newer = protect(*s.out, rtp_packet(2 + 2000), false);
    CAF_REQUIRE(unprotect(*s.in, newer, false));
    CAF_CHECK(unprotect(*s.in, old, false).status == srtp_status::replayed);
    // Within the window and not seen: accepted out of order.
    auto late = protect(*s.out, rtp_packet(2 + 1500), false);
    CAF_CHECK(unprotect(*s.in, late, false));
    // RTCP too.
    auto sr = protect(*s.out, rtcp_sender_report(), true);
    auto sr_copy = sr;
    CAF_REQUIRE(unprotect(*s.in, sr, true));
    CAF_CHECK(unprotect(*s.in, sr_copy, true).status == srtp_status::replayed);
  }
}

CAF_TEST(the sender refuses to protect the same sequence number twice) {
  auto s = sessions(srtp_profile::aead_aes_128_gcm, test_master(srtp_profile::aead_aes_128_gcm));
  protect(*s.out, rtp_packet(5), false);
  auto again = rtp_packet(5);
  again.resize(again.size() + 16);
  size_t len = 172;
  CAF_CHECK(s.out->protect_rtp(again.data(), len, again.size()).status == srtp_status::replayed);
}

CAF_TEST(a tampered packet is rejected as unauthenticated) {
  for (auto profile : {srtp_profile::aead_aes_128_gcm, srtp_profile::aes_cm_128_hmac_sha1_80}) {
    auto s = sessions(profile, test_master(profile));
    for (size_t at : {size_t{1}, size_t{20}, size_t{171}, size_t{175}}) {
      auto wire = protect(*s.out, rtp_packet(static_cast<uint16_t>(at)), false);
      wire[at] ^= 0x01;
      auto r = unprotect(*s.in, wire, false);
      CAF_CHECK(r.status == srtp_status::unauthenticated);
      CAF_CHECK_EQUAL(r.library_code, 7);  // srtp_err_status_auth_fail
    }
    auto sr = protect(*s.out, rtcp_sender_report(), true);
    sr[10] ^= 0x80;
    CAF_CHECK(unprotect(*s.in, sr, true).status == srtp_status::unauthenticated);
    // And a session with other keys cannot open an intact one.
    auto other = sessions(profile, test_master(profile, 99));
    auto wire = protect(*s.out, rtp_packet(4000), false);
    CAF_CHECK(unprotect(*other.in, wire, false).status == srtp_status::unauthenticated);
  }
}

CAF_TEST(malformed packets and misuse are refused with a reason) {
  auto p = srtp_profile::aes_cm_128_hmac_sha1_80;
  auto s = sessions(p, test_master(p));
  bytes tiny(5, 0x80);
  size_t len = tiny.size();
  CAF_CHECK(s.in->unprotect_rtp(tiny.data(), len).status == srtp_status::malformed);
  len = tiny.size();
  CAF_CHECK(s.in->unprotect_rtcp(tiny.data(), len).status == srtp_status::malformed);
  CAF_CHECK_EQUAL(len, tiny.size());
  // A header that claims 15 CSRCs in a 20-byte packet.
  bytes lying(20, 0);
  lying[0] = 0x8f;
  len = lying.size();
  CAF_CHECK(!s.in->unprotect_rtp(lying.data(), len));
  // No room for the tag.
  auto plain = rtp_packet(1);
  len = plain.size();
  CAF_CHECK(s.out->protect_rtp(plain.data(), len, plain.size()).status == srtp_status::no_room);
  CAF_CHECK_EQUAL(len, plain.size());
  // Wrong direction.
  len = plain.size();
  plain.resize(plain.size() + 16);
  CAF_CHECK(s.in->protect_rtp(plain.data(), len, plain.size()).status == srtp_status::malformed);
  // Wrong key size.
  std::string error;
  CAF_CHECK(srtp_session::create(srtp_profile::aead_aes_128_gcm, srtp_session::direction::inbound,
                                 test_master(p), error) == nullptr);
  CAF_CHECK(!error.empty());
}
