// Unit suite of one call's media on loopback: a test browser and a UDP SIP peer via the engine.
#define CAF_SUITE media.call_media

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "media/call/call_media_listener.hpp"
#include "media/codec/g711.hpp"
#include "media/codec/opus_codec.hpp"
#include "media/dtls/demux.hpp"
#include "media/dtls/dtls_certificate.hpp"
#include "media/dtls/dtls_transport.hpp"
#include "media/ice/ice_agent.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/srtp/srtp_session.hpp"
#include "media/worker/media_engine.hpp"
#include "media/worker/media_worker.hpp"
#include "media/worker/worker_timer.hpp"
#include "tests/unit/media_signals.hpp"
#include "tests/unit/media_test_support.hpp"

using namespace wrtc;
using namespace std::chrono_literals;

namespace {

using bytes = std::vector<uint8_t>;

// -- the control plane's view: every callback arrives on a media worker thread ------------------

struct recorded_listener : media::call_media_listener {
  test::waiter w;
  std::optional<media::local_webrtc_params> webrtc;
  std::optional<media::local_sip_params> sip;
  bool connected = false;
  std::optional<std::pair<std::string, bool>> failure;
  std::vector<media::call_media_stats> stats;
  int failures = 0;

  void media_ready(uint64_t, const media::local_webrtc_params& p,
                   const media::local_sip_params& s) override {
    w.update([&] {
      webrtc = p;
      sip = s;
    });
  }
  void media_connected(uint64_t) override {
    w.update([&] { connected = true; });
  }
  void media_failed(uint64_t, std::string reason, bool ice) override {
    w.update([&] {
      failure = std::make_pair(reason, ice);
      ++failures;
    });
  }
  void media_stats(uint64_t, const media::call_media_stats& s) override {
    w.update([&] { stats.push_back(s); });
  }

  bool is_ready() {
    return w.read([&] { return webrtc.has_value(); });
  }
  bool is_connected() {
    return w.read([&] { return connected; });
  }
  bool has_failed() {
    return w.read([&] { return failure.has_value(); });
  }
};

// -- the browser: ICE agent + DTLS client + SRTP + Opus, on a worker the test thread drives -----

struct test_browser : media::ice_agent_listener, media::dtls_transport::listener {
  media::media_worker& worker;
  std::shared_ptr<const media::dtls_certificate> cert;
  std::unique_ptr<media::ice_agent> ice;
  std::unique_ptr<media::dtls_transport> dtls;
  media::worker_timer dtls_timer;
  std::unique_ptr<media::srtp_session> srtp_in;
  std::unique_ptr<media::srtp_session> srtp_out;
  bool gathered = false;
  bool ice_up = false;
  bool ice_failed = false;
  bool dtls_up = false;
  std::optional<std::string> dtls_failure;
  std::string expected_fingerprint;
  std::vector<bytes> rtp_in;  // decrypted RTP from the gateway
  uint64_t unprotect_failures = 0;

  test_browser(media::media_worker& w, std::shared_ptr<const media::dtls_certificate> c)
      : worker(w), cert(std::move(c)), dtls_timer(w) {
    media::ice_agent_config cfg;
    cfg.address = "127.0.0.1";
    cfg.controlling = true;  // the offerer
    ice = std::make_unique<media::ice_agent>(worker, nullptr, cfg, *this);
    dtls = std::make_unique<media::dtls_transport>(cert, *this);
  }

  ~test_browser() {
    dtls_timer.stop();
    dtls.reset();
    ice.reset();
  }

  void connect_to(const media::local_webrtc_params& gw) {
    expected_fingerprint = gw.fingerprint_sha256;
    CAF_REQUIRE(ice->set_remote_credentials(gw.ice_ufrag, gw.ice_pwd));
    auto lines = gw.candidates;
    lines.push_back("end-of-candidates");
    CAF_REQUIRE_EQUAL(ice->add_remote_candidates(lines), 1);
  }

  std::vector<std::string> candidates_with_end() const {
    auto lines = ice->local_candidates();
    lines.push_back("end-of-candidates");
    return lines;
  }

  void arm() {
    auto ms = dtls->timer_ms();
    if (ms < 0) return dtls_timer.stop();
    dtls_timer.start_once(std::chrono::milliseconds{ms}, [this] {
      dtls->on_timer();
      arm();
    });
  }

  // ICE
  void ice_gathering_done(media::ice_agent&) override { gathered = true; }
  void ice_state_changed(media::ice_agent&, media::ice_state s) override {
    if ((s == media::ice_state::connected || s == media::ice_state::ready) && !ice_up) {
      ice_up = true;
      dtls->start(media::dtls_role::client, "sha-256", expected_fingerprint);
      arm();
    }
    if (s == media::ice_state::failed) ice_failed = true;
  }
  void ice_datagram(media::ice_agent&, uint8_t* data, size_t len) override {
    if (media::looks_like_dtls(data, len)) {
      dtls->on_datagram(data, len);
      arm();
      return;
    }
    if (!srtp_in) return;
    size_t n = len;
    if (media::is_rtcp_packet(data, len)) return;
    if (!srtp_in->unprotect_rtp(data, n)) {
      ++unprotect_failures;
      return;
    }
    rtp_in.emplace_back(data, data + n);
  }

  // DTLS
  void dtls_send(const uint8_t* data, size_t len) override { ice->send(data, len); }
  void dtls_connected(const media::srtp_keys& keys) override {
    std::string err;
    srtp_in = media::srtp_session::create(keys.profile, media::srtp_session::direction::inbound,
                                          keys.remote_master, err);
    srtp_out = media::srtp_session::create(keys.profile, media::srtp_session::direction::outbound,
                                           keys.local_master, err);
    dtls_up = srtp_in && srtp_out;
  }
  void dtls_failed(const std::string& reason) override { dtls_failure = reason; }
  void dtls_closed() override {}

  bool send_rtp(const bytes& plain) {
    bytes buf(plain.size() + media::srtp_max_overhead);
    std::copy(plain.begin(), plain.end(), buf.begin());
    size_t n = plain.size();
    if (!srtp_out->protect_rtp(buf.data(), n, buf.size())) return false;
    return ice->send(buf.data(), n);
  }
};

// -- the SIP peer: a plain UDP socket
// --------------------------------------------------------------

struct udp_peer {
  int fd = -1;
  uint16_t port = 0;

  udp_peer() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    int rcvbuf = 1 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    socklen_t len = sizeof(sa);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~udp_peer() { ::close(fd); }

  void send_to(uint16_t to_port, const bytes& b) const {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(to_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  }

  // Reads every datagram waiting.
  void drain(std::vector<bytes>& into) const {
    for (;;) {
      bytes buf(2048);
      auto n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) return;
      buf.resize(static_cast<size_t>(n));
      into.push_back(std::move(buf));
    }
  }
};

std::shared_ptr<const media::dtls_certificate> make_certificate() {
  std::string err;
  auto c = media::dtls_certificate::generate(err);
  CAF_REQUIRE(c != nullptr);
  return c;
}

struct fixture {
  std::unique_ptr<media::media_engine> engine;
  media::media_worker browser_worker{"browser"};  // driven by the test thread
  std::shared_ptr<recorded_listener> listener = std::make_shared<recorded_listener>();

  fixture() {
    media::media_engine_config cfg;
    cfg.workers_count = 2;
    cfg.address = "127.0.0.1";
    cfg.port_min = 49000;
    cfg.port_max = 49199;
    std::string err;
    engine = media::media_engine::create(cfg, err);
    CAF_REQUIRE(engine != nullptr);
  }

  ~fixture() { engine.reset(); }

  static media::call_media_options options() {
    media::call_media_options o;
    o.ice_controlling = false;  // the browser offered
    o.stats_interval = 100ms;
    return o;
  }

  // Creates the call and waits for media_ready.
  void create(uint64_t id, media::call_media_options o = options()) {
    CAF_REQUIRE_EQUAL(engine->create_call(id, o, listener), id);
    CAF_REQUIRE(listener->w.wait(
        [&] { return listener->webrtc.has_value() || listener->failure.has_value(); }));
    CAF_REQUIRE(!listener->has_failed());
  }

  // Waits on the engine's callbacks while the browser's loop keeps running.
  bool drive(const std::function<bool()>& done, std::chrono::milliseconds t = 10s) {
    return test::drive_until(browser_worker, done, t);
  }

  // Gathers the browser, exchanges everything, and waits until both ends say media flows.
  void connect(uint64_t id, test_browser& b, const std::string& fingerprint_given_to_gateway) {
    std::string err;
    CAF_REQUIRE(b.ice->gather(err));
    CAF_REQUIRE(drive([&] { return b.gathered; }));
    auto gw = listener->w.read([&] { return *listener->webrtc; });
    engine->set_remote_webrtc(id, b.ice->local_ufrag(), b.ice->local_pwd(), b.candidates_with_end(),
                              "sha-256", fingerprint_given_to_gateway, media::dtls_role::server,
                              111, 126);
    b.connect_to(gw);
  }
};

// PCMU packets of a tone, 20 ms each.
std::vector<bytes> pcmu_tone(double hz, int packets, uint32_t ssrc) {
  std::vector<bytes> out;
  for (int i = 0; i < packets; ++i) {
    auto pcm = test::sine(hz, 8000, 160, 8000, static_cast<size_t>(i) * 160);
    bytes payload(160);
    media::g711_encode(media::g711_law::pcmu, pcm.data(), pcm.size(), payload.data());
    out.push_back(test::rtp(0, static_cast<uint16_t>(1000 + i), static_cast<uint32_t>(i) * 160,
                            ssrc, payload));
  }
  return out;
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(call_media_tests, fixture)

CAF_TEST(calls are placed on the least loaded worker and released) {
  for (uint64_t id = 1; id <= 4; ++id)
    CAF_REQUIRE_EQUAL(engine->create_call(id, options(), listener), id);
  CAF_CHECK_EQUAL(engine->create_call(1, options(), listener), 0u);  // id in use
  CAF_CHECK_EQUAL(engine->create_call(0, options(), listener), 0u);
  auto loads = engine->loads();
  CAF_REQUIRE_EQUAL(loads.size(), 2u);
  CAF_CHECK_EQUAL(loads[0], 2);
  CAF_CHECK_EQUAL(loads[1], 2);
  CAF_CHECK_EQUAL(engine->calls(), 4u);
  for (uint64_t id = 1; id <= 4; ++id) engine->destroy_call(id);
  CAF_CHECK_EQUAL(engine->calls(), 0u);
  CAF_CHECK(drive([&] { return engine->ports_in_use() == 0; }, 5s));
  auto after = engine->loads();
  CAF_CHECK_EQUAL(after[0] + after[1], 0);
}

CAF_TEST(media ready carries ice credentials candidates fingerprint and the rtp port) {
  create(1);
  auto gw = listener->w.read([&] { return *listener->webrtc; });
  auto sip = listener->w.read([&] { return *listener->sip; });
  CAF_CHECK(!gw.ice_ufrag.empty());
  CAF_CHECK(gw.ice_pwd.size() >= 22);
  CAF_REQUIRE_EQUAL(gw.candidates.size(), 1u);
  CAF_CHECK(gw.candidates[0].find("127.0.0.1") != std::string::npos);
  CAF_CHECK_EQUAL(gw.fingerprint_sha256, engine->certificate()->fingerprint_sha256());
  CAF_CHECK_EQUAL(sip.address, "127.0.0.1");
  CAF_CHECK(sip.rtp_port >= 49000 && sip.rtp_port <= 49199);
  CAF_CHECK_EQUAL(sip.rtp_port % 2, 0);
  CAF_CHECK_EQUAL(engine->ports_in_use(), 3u);  // ICE + RTP + RTCP
}

CAF_TEST(a pcmu tone from sip reaches the browser as opus and an opus tone reaches sip as pcmu) {
  create(1);
  test_browser browser{browser_worker, make_certificate()};
  connect(1, browser, browser.cert->fingerprint_sha256());
  udp_peer sip;
  auto gw_sip = listener->w.read([&] { return *listener->sip; });
  engine->set_remote_sip(1, "127.0.0.1", sip.port, 0, 101);
  CAF_REQUIRE(drive([&] { return browser.dtls_up && listener->is_connected(); }));
  CAF_CHECK(!listener->has_failed());

  // SIP -> browser: one second of 440 Hz in PCMU.
  for (auto& p : pcmu_tone(440, 50, 0x5150)) sip.send_to(gw_sip.rtp_port, p);
  CAF_REQUIRE(drive([&] { return browser.rtp_in.size() >= 45; }));
  int err = 0;
  media::opus_settings dec_settings;  // 8 kHz mono
  auto dec = media::opus_decoder::create(dec_settings, err);
  CAF_REQUIRE(dec != nullptr);
  std::vector<int16_t> heard;
  uint32_t browser_ssrc = 0;
  for (auto& p : browser.rtp_in) {
    auto pkt = media::rtp_packet::parse(p.data(), p.size());
    CAF_REQUIRE(pkt);
    CAF_CHECK_EQUAL(pkt->payload_type(), 111);
    browser_ssrc = pkt->ssrc();
    int16_t pcm[960];
    int n = dec->decode(pkt->payload(), pkt->payload_size(), pcm, 960);
    CAF_REQUIRE(n > 0);
    heard.insert(heard.end(), pcm, pcm + n);
  }
  CAF_MESSAGE("browser heard " << heard.size() << " samples, 440 Hz share "
                               << test::tone_share(heard, 440, 8000, 1600) << ", rms "
                               << test::rms(heard, 1600));
  CAF_CHECK(test::tone_share(heard, 440, 8000, 1600) > 0.8);
  CAF_CHECK(test::rms(heard, 1600) > 2000);
  CAF_CHECK_EQUAL(browser.unprotect_failures, 0u);

  // Browser -> SIP: one second of 1 kHz in Opus (48 kHz RTP clock).
  media::opus_settings enc_settings;
  auto enc = media::opus_encoder::create(enc_settings, err);
  CAF_REQUIRE(enc != nullptr);
  for (int i = 0; i < 50; ++i) {
    auto pcm = test::sine(1000, 8000, 160, 8000, static_cast<size_t>(i) * 160);
    uint8_t opus[400];
    int n = enc->encode(pcm.data(), 160, opus, sizeof(opus));
    CAF_REQUIRE(n > 0);
    auto pkt = test::rtp(111, static_cast<uint16_t>(7000 + i), static_cast<uint32_t>(i) * 960,
                         0xb0b0, opus, static_cast<size_t>(n));
    CAF_REQUIRE(browser.send_rtp(pkt));
  }
  std::vector<bytes> at_sip;
  CAF_REQUIRE(drive([&] {
    sip.drain(at_sip);
    return at_sip.size() >= 45;
  }));
  std::vector<int16_t> sip_heard;
  for (auto& p : at_sip) {
    auto pkt = media::rtp_packet::parse(p.data(), p.size());
    CAF_REQUIRE(pkt);
    CAF_CHECK_EQUAL(pkt->payload_type(), 0);
    std::vector<int16_t> pcm(pkt->payload_size());
    media::g711_decode(media::g711_law::pcmu, pkt->payload(), pkt->payload_size(), pcm.data());
    sip_heard.insert(sip_heard.end(), pcm.begin(), pcm.end());
  }
  CAF_MESSAGE("sip heard " << sip_heard.size() << " samples, 1 kHz share "
                           << test::tone_share(sip_heard, 1000, 8000, 1600) << ", rms "
                           << test::rms(sip_heard, 1600));
  CAF_CHECK(test::tone_share(sip_heard, 1000, 8000, 1600) > 0.8);
  CAF_CHECK(test::rms(sip_heard, 1600) > 2000);

  // The periodic stats see both directions and no SRTP errors.
  CAF_REQUIRE(listener->w.wait([&] {
    if (listener->stats.empty()) return false;
    auto& s = listener->stats.back();
    return s.browser.packets_in >= 45 && s.sip.packets_in >= 45 && s.browser.packets_out >= 45 &&
           s.sip.packets_out >= 45;
  }));
  auto s = listener->w.read([&] { return listener->stats.back(); });
  CAF_CHECK_EQUAL(s.srtp_replayed + s.srtp_unauthenticated + s.srtp_malformed, 0u);
  CAF_CHECK_EQUAL(s.browser.lost, 0);
  CAF_CHECK_EQUAL(s.sip.lost, 0);
  CAF_CHECK_NOT_EQUAL(browser_ssrc, 0u);

  engine->destroy_call(1);
  CAF_CHECK(drive([&] { return engine->ports_in_use() == 0; }, 5s));
}

CAF_TEST(replayed and forged srtp from the browser is counted and dropped) {
  create(1);
  test_browser browser{browser_worker, make_certificate()};
  connect(1, browser, browser.cert->fingerprint_sha256());
  udp_peer sip;
  engine->set_remote_sip(1, "127.0.0.1", sip.port, 0, 101);
  CAF_REQUIRE(drive([&] { return browser.dtls_up && listener->is_connected(); }));
  // One good packet, protected once and sent twice (replay), and one with a flipped tag byte.
  uint8_t opus[3] = {0xf8, 0xff, 0xfe};  // an Opus packet of silence (TOC + padding)
  auto plain = test::rtp(111, 1, 0, 0xb0b0, opus, sizeof(opus));
  bytes buf(plain.size() + media::srtp_max_overhead);
  std::copy(plain.begin(), plain.end(), buf.begin());
  size_t n = plain.size();
  CAF_REQUIRE(browser.srtp_out->protect_rtp(buf.data(), n, buf.size()));
  CAF_REQUIRE(browser.ice->send(buf.data(), n));
  CAF_REQUIRE(browser.ice->send(buf.data(), n));
  auto forged_plain = test::rtp(111, 2, 960, 0xb0b0, opus, sizeof(opus));
  bytes forged(forged_plain.size() + media::srtp_max_overhead);
  std::copy(forged_plain.begin(), forged_plain.end(), forged.begin());
  size_t fn = forged_plain.size();
  CAF_REQUIRE(browser.srtp_out->protect_rtp(forged.data(), fn, forged.size()));
  forged[fn - 1] ^= 0x01;
  CAF_REQUIRE(browser.ice->send(forged.data(), fn));
  CAF_CHECK(listener->w.wait([&] {
    if (listener->stats.empty()) return false;
    auto& s = listener->stats.back();
    return s.srtp_replayed == 1 && s.srtp_unauthenticated == 1 && s.browser.packets_in == 1;
  }));
}

CAF_TEST(a browser that never answers checks gives an ice failure within the timeout) {
  auto o = options();
  o.connect_timeout = 2s;
  create(1, o);
  // A socket that swallows every check plays the browser.
  udp_peer deaf;
  engine->set_remote_webrtc(
      1, "deaf", "deafdeafdeafdeafdeafdeaf",
      {"candidate:1 1 udp 2130706431 127.0.0.1 " + std::to_string(deaf.port) + " typ host",
       "end-of-candidates"},
      "sha-256", engine->certificate()->fingerprint_sha256(), media::dtls_role::server, 111, 126);
  auto started = std::chrono::steady_clock::now();
  CAF_REQUIRE(listener->w.wait([&] { return listener->failure.has_value(); }, 6s));
  auto took = std::chrono::steady_clock::now() - started;
  auto failure = listener->w.read([&] { return *listener->failure; });
  CAF_MESSAGE("failed after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                              << " ms: " << failure.first);
  CAF_CHECK(failure.second);  // ice
  CAF_CHECK(!listener->is_connected());
  CAF_CHECK_EQUAL(listener->w.read([&] { return listener->failures; }), 1);
}

CAF_TEST(a dtls fingerprint mismatch gives a non ice failure) {
  create(1);
  test_browser browser{browser_worker, make_certificate()};
  auto other = make_certificate();
  connect(1, browser, other->fingerprint_sha256());  // the gateway expects another certificate
  CAF_REQUIRE(drive([&] { return listener->has_failed(); }));
  auto failure = listener->w.read([&] { return *listener->failure; });
  CAF_MESSAGE("failure: " << failure.first);
  CAF_CHECK(!failure.second);  // not ice: ICE connected, DTLS refused the peer
  CAF_CHECK(browser.ice_up);
  CAF_CHECK(!listener->is_connected());
}

CAF_TEST(audio from sip before dtls is up never reaches the browser) {
  create(1);
  udp_peer sip;
  auto gw_sip = listener->w.read([&] { return *listener->sip; });
  // The browser's answer is known (so the transcoder exists) but it never connects.
  udp_peer deaf;
  engine->set_remote_webrtc(
      1, "deaf", "deafdeafdeafdeafdeafdeaf",
      {"candidate:1 1 udp 2130706431 127.0.0.1 " + std::to_string(deaf.port) + " typ host"},
      "sha-256", engine->certificate()->fingerprint_sha256(), media::dtls_role::server, 111, 126);
  engine->set_remote_sip(1, "127.0.0.1", sip.port, 0, 101);
  for (auto& p : pcmu_tone(440, 5, 0x5150)) sip.send_to(gw_sip.rtp_port, p);
  CAF_CHECK(listener->w.wait([&] {
    return !listener->stats.empty() && listener->stats.back().browser.dropped_not_ready == 5;
  }));
  auto s = listener->w.read([&] { return listener->stats.back(); });
  CAF_CHECK_EQUAL(s.browser.packets_out, 0u);
  CAF_CHECK_EQUAL(s.sip.packets_in, 5u);
}

CAF_TEST(relayed media is refused for now) {
  auto o = options();
  o.transcode = false;
  CAF_REQUIRE_EQUAL(engine->create_call(1, o, listener), 1u);
  CAF_REQUIRE(listener->w.wait([&] { return listener->failure.has_value(); }));
  CAF_CHECK(!listener->w.read([&] { return listener->failure->second; }));
}

CAF_TEST(an unusable configuration is refused with a reason) {
  std::string err;
  media::media_engine_config bad;
  bad.address = "localhost";
  CAF_CHECK(media::media_engine::create(bad, err) == nullptr);
  CAF_CHECK(err.find("address") != std::string::npos);
  bad.address = "127.0.0.1";
  bad.workers_count = 0;
  CAF_CHECK(media::media_engine::create(bad, err) == nullptr);
  bad.workers_count = 1;
  bad.port_min = 5000;
  bad.port_max = 5001;
  CAF_CHECK(media::media_engine::create(bad, err) == nullptr);
}

CAF_TEST_FIXTURE_SCOPE_END()
