// Unit suite of the RTP stream rewriter: our SSRC, continuity, loss, reorder, clocks, wraparound.
#define CAF_SUITE media.rtp_stream_rewriter

#include "media/rtp/rtp_stream_rewriter.hpp"

#include <vector>

#include "caf/test/unit_test.hpp"
#include "tests/unit/media_signals.hpp"

using namespace wrtc::media;
using wrtc::test::rtp;

namespace {

struct fixture {
  rtp_stream_rewriter_config cfg = [] {
    rtp_stream_rewriter_config c;
    c.ssrc = 0xabcdef01;
    c.initial_sequence = 1000;
    c.initial_timestamp = 50000;
    return c;
  }();

  std::vector<uint8_t> last;

  // Feeds a 20-byte-payload packet and returns the verdict.
  rtp_rewrite feed(rtp_stream_rewriter& w, uint16_t seq, uint32_t ts, uint32_t ssrc = 0x1111,
                   uint32_t duration = 0) {
    last = rtp(0, seq, ts, ssrc, std::vector<uint8_t>(20, 0x55));
    auto p = rtp_packet::parse(last.data(), last.size());
    CAF_REQUIRE(p);
    return w.rewrite(*p, duration);
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(rtp_stream_rewriter_tests, fixture)

CAF_TEST(the first packet starts our stream at the configured sequence and timestamp) {
  rtp_stream_rewriter w{cfg};
  auto r = feed(w, 7, 123456);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::new_stream);
  CAF_CHECK(r.marker);
  CAF_CHECK_EQUAL(r.sequence, 1000);
  CAF_CHECK_EQUAL(r.timestamp, 50000u);
  r = feed(w, 8, 123456 + 160);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::in_order);
  CAF_CHECK(!r.marker);
  CAF_CHECK_EQUAL(r.sequence, 1001);
  CAF_CHECK_EQUAL(r.timestamp, 50160u);
  // apply() puts our SSRC, sequence and timestamp into the packet itself.
  w.apply(last.data(), r);
  auto p = rtp_packet::parse(last.data(), last.size());
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(p->ssrc(), 0xabcdef01u);
  CAF_CHECK_EQUAL(p->sequence(), 1001);
  CAF_CHECK_EQUAL(p->timestamp(), 50160u);
  CAF_CHECK(!p->marker());
  CAF_CHECK_EQUAL(p->payload_size(), 20u);
}

CAF_TEST(a gap reports the lost packets and keeps the sequence offset) {
  rtp_stream_rewriter w{cfg};
  feed(w, 100, 0);
  auto r = feed(w, 104, 640);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::in_order);
  CAF_CHECK_EQUAL(r.lost_before, 3);
  CAF_CHECK_EQUAL(r.sequence, 1004);
  CAF_CHECK_EQUAL(r.timestamp, 50640u);
  CAF_CHECK_EQUAL(w.state().lost, 3u);
  // One of them arrives late: forwarded with its own place, no longer counted lost.
  r = feed(w, 102, 320);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::reordered);
  CAF_CHECK_EQUAL(r.sequence, 1002);
  CAF_CHECK_EQUAL(r.timestamp, 50320u);
  CAF_CHECK_EQUAL(w.state().lost, 2u);
  CAF_CHECK_EQUAL(w.state().reordered, 1u);
}

CAF_TEST(duplicates and packets older than the window are dropped) {
  rtp_stream_rewriter w{cfg};
  for (uint16_t s = 0; s < 200; ++s) {
    feed(w, s, s * 160u);
  }
  CAF_CHECK_EQUAL(feed(w, 199, 199 * 160u).arrival, rtp_arrival::duplicate);
  CAF_CHECK_EQUAL(feed(w, 150, 150 * 160u).arrival, rtp_arrival::duplicate);
  CAF_CHECK_EQUAL(feed(w, 120, 120 * 160u).arrival, rtp_arrival::too_old);
  CAF_CHECK(!feed(w, 120, 120 * 160u).accepted());
  CAF_CHECK_EQUAL(w.state().duplicates, 2u);
  CAF_CHECK_EQUAL(w.state().too_old, 2u);
  CAF_CHECK_EQUAL(w.state().lost, 0u);
}

CAF_TEST(sequence numbers wrap on both sides without a gap) {
  cfg.initial_sequence = 65534;
  rtp_stream_rewriter w{cfg};
  std::vector<uint16_t> out;
  for (uint32_t i = 0; i < 6; ++i) {
    auto r = feed(w, static_cast<uint16_t>(65533 + i), i * 160);
    CAF_CHECK_EQUAL(r.lost_before, 0);
    CAF_CHECK(r.accepted());
    out.push_back(r.sequence);
  }
  CAF_CHECK_EQUAL(out, (std::vector<uint16_t>{65534, 65535, 0, 1, 2, 3}));
  CAF_CHECK_EQUAL(w.state().lost, 0u);
}

CAF_TEST(timestamps wrap at 2 ^ 32 smoothly while converting 48 kHz to 8 kHz) {
  cfg.input_clock_rate = 48000;
  cfg.output_clock_rate = 8000;
  cfg.initial_timestamp = 0xffffff00u;  // our side wraps too
  rtp_stream_rewriter w{cfg};
  uint32_t in_ts = 0xffffffffu - 3 * 960 + 1;  // 2^32 is not a multiple of 6
  uint32_t expected = 0xffffff00u;
  for (uint16_t s = 0; s < 8; ++s, in_ts += 960, expected += 160) {
    auto r = feed(w, s, in_ts);
    CAF_CHECK_EQUAL(r.timestamp, expected);
  }
}

CAF_TEST(huge timestamp jumps from a hostile peer keep an exact clock conversion) {
  // Each packet jumps by 2^31 - 1 ticks: after ~90k packets the ticks since the anchor times
  // 48000 no longer fit 64 bits.
  cfg.input_clock_rate = 8000;
  cfg.output_clock_rate = 48000;
  rtp_stream_rewriter w{cfg};
  uint32_t in_ts = 1000;
  feed(w, 0, in_ts);
  unsigned __int128 since_anchor = 0;
  bool all_exact = true;
  for (uint32_t i = 1; i <= 100000; ++i) {
    in_ts += 0x7fffffffu;
    since_anchor += 0x7fffffffu;
    auto expected = static_cast<uint32_t>(50000u + since_anchor * 6);
    if (w.output_timestamp(in_ts) != expected) all_exact = false;
    feed(w, static_cast<uint16_t>(i), in_ts);
  }
  CAF_CHECK(all_exact);
}

CAF_TEST(8 kHz timestamps become 48 kHz ones) {
  cfg.input_clock_rate = 8000;
  cfg.output_clock_rate = 48000;
  rtp_stream_rewriter w{cfg};
  feed(w, 1, 0xfffffec0u);
  CAF_CHECK_EQUAL(feed(w, 2, 0xfffffec0u + 240).timestamp, 50000u + 1440);
  CAF_CHECK_EQUAL(feed(w, 3, 0xfffffec0u + 480).timestamp, 50000u + 2880);
  CAF_CHECK_EQUAL(w.output_timestamp(0xfffffec0u + 560), 50000u + 3360);
}

CAF_TEST(a new incoming ssrc continues our stream where it was) {
  rtp_stream_rewriter w{cfg};
  for (uint16_t s = 0; s < 5; ++s) {
    feed(w, static_cast<uint16_t>(30000 + s), 900000u + s * 160u, 0x1111);
  }
  // The sender restarts with a fresh SSRC, sequence and timestamp.
  auto r = feed(w, 7, 42, 0x2222);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::new_stream);
  CAF_CHECK(r.marker);
  CAF_CHECK_EQUAL(r.sequence, 1005);
  CAF_CHECK_EQUAL(r.timestamp, 50000u + 5 * 160);
  r = feed(w, 8, 42 + 160, 0x2222);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::in_order);
  CAF_CHECK_EQUAL(r.sequence, 1006);
  CAF_CHECK_EQUAL(r.timestamp, 50000u + 6 * 160);
  // A straggler of the old stream is a stream change as well, continuing again.
  r = feed(w, 30005, 900000u + 5 * 160u, 0x1111);
  CAF_CHECK_EQUAL(r.sequence, 1007);
  CAF_CHECK_EQUAL(w.state().ssrc_changes, 2u);
}

CAF_TEST(the duration given by the caller sets where a new stream continues) {
  cfg.input_clock_rate = 48000;
  cfg.output_clock_rate = 8000;
  rtp_stream_rewriter w{cfg};
  feed(w, 1, 0, 0x1111, 2880);  // one 60 ms packet
  auto r = feed(w, 500, 777, 0x2222, 960);
  CAF_CHECK_EQUAL(r.timestamp, 50000u + 480);
}

CAF_TEST(a jump in sequence is a restart only once the next packet confirms it) {
  rtp_stream_rewriter w{cfg};
  for (uint16_t s = 0; s < 3; ++s) {
    feed(w, s, s * 160u);
  }
  auto r = feed(w, 20000, 5000000);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::out_of_range);
  CAF_CHECK(!r.accepted());
  // The stream goes on as before: the stray packet is forgotten.
  r = feed(w, 3, 480);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::in_order);
  CAF_CHECK_EQUAL(r.sequence, 1003);
  // A real restart: two consecutive packets far away.
  CAF_CHECK_EQUAL(feed(w, 40000, 7000000).arrival, rtp_arrival::out_of_range);
  r = feed(w, 40001, 7000160);
  CAF_CHECK_EQUAL(r.arrival, rtp_arrival::new_stream);
  CAF_CHECK_EQUAL(r.sequence, 1004);
  CAF_CHECK_EQUAL(r.timestamp, 50000u + 4 * 160);
  CAF_CHECK_EQUAL(w.state().restarts, 1u);
  CAF_CHECK_EQUAL(w.state().out_of_range, 2u);
  // Packets from before the restart point would reuse our sequence numbers: refused.
  CAF_CHECK(!feed(w, 40000, 7000000).accepted());
}

CAF_TEST(a copied state resumes exactly where the original was) {
  rtp_stream_rewriter a{cfg};
  for (uint16_t s = 10; s < 20; ++s) {
    feed(a, s, s * 160u);
  }
  rtp_stream_rewriter b{a.state()};
  for (uint16_t s = 21; s < 25; ++s) {
    auto ra = feed(a, s, s * 160u);
    auto rb = feed(b, s, s * 160u);
    CAF_CHECK_EQUAL(ra.sequence, rb.sequence);
    CAF_CHECK_EQUAL(ra.timestamp, rb.timestamp);
    CAF_CHECK_EQUAL(ra.lost_before, rb.lost_before);
  }
  CAF_CHECK_EQUAL(b.state().lost, 1u);
  CAF_CHECK_EQUAL(b.state().packets, a.state().packets);
}

CAF_TEST_FIXTURE_SCOPE_END()
