// Unit suite of the Opus <-> G.711 transcoder: tones end to end, RTP fields, loss, DTMF, migration.
#define CAF_SUITE media.audio_transcoder

#include "media/codec/audio_transcoder.hpp"

#include <vector>

#include "caf/test/unit_test.hpp"
#include "media/codec/g711.hpp"
#include "media/codec/opus_codec.hpp"
#include "media/codec/telephone_event.hpp"
#include "tests/unit/media_signals.hpp"

using namespace wrtc::media;
using namespace wrtc::test;

namespace {

using packets = std::vector<std::vector<uint8_t>>;

constexpr uint32_t browser_ssrc_in = 0x0b0b0b0b;
constexpr uint32_t sip_ssrc_in = 0x05050505;
constexpr double amplitude = 10000;  // -10.3 dBFS

struct fixture {
  audio_transcoder_config cfg = [] {
    audio_transcoder_config c;
    c.browser_opus_payload_type = 111;
    c.browser_event_payload_type = 126;
    c.browser_ssrc = 0xb1b2b3b4;
    c.browser_initial_sequence = 65530;  // wraps during the call
    c.browser_initial_timestamp = 0xfffff000u;
    c.sip_codec = g711_law::pcmu;
    c.sip_codec_payload_type = 0;
    c.sip_event_payload_type = 101;
    c.sip_ssrc = 0x51525354;
    c.sip_initial_sequence = 65500;
    c.sip_initial_timestamp = 0xffffff00u;
    return c;
  }();
  std::unique_ptr<audio_transcoder> t;
  packets to_sip;
  packets to_browser;

  // The browser: a 48 kHz Opus encoder as Chromium runs it, sequence and timestamp wrapping.
  std::unique_ptr<opus_encoder> browser;
  uint16_t browser_seq = 65500;
  uint32_t browser_ts = 0xffffa000u;
  size_t browser_pos = 0;

  // The SIP peer's stream.
  uint16_t sip_seq = 40000;
  uint32_t sip_ts = 0xfffffc00u;
  size_t sip_pos = 0;

  fixture() {
    opus_settings s;
    s.sample_rate = 48000;
    s.complexity = 9;
    s.bitrate = 32000;
    int error = 0;
    browser = opus_encoder::create(s, error);
    CAF_REQUIRE(browser);
    make();
  }

  void make() {
    auto error = audio_transcoder_error::none;
    t = audio_transcoder::create(cfg, error);
    CAF_REQUIRE(t);
    CAF_REQUIRE_EQUAL(error, audio_transcoder_error::none);
  }

  // The next browser packet: `ms` of the 1 kHz tone (10, 20, 40 or 60).
  std::vector<uint8_t> browser_packet(int ms) {
    const size_t n = 48 * static_cast<size_t>(ms);
    auto pcm = sine(1000, 48000, n, amplitude, browser_pos);
    std::vector<uint8_t> payload(1500);
    int bytes = browser->encode(pcm.data(), static_cast<int>(n), payload.data(), payload.size());
    CAF_REQUIRE_GREATER(bytes, 0);
    payload.resize(static_cast<size_t>(bytes));
    auto p = rtp(111, browser_seq++, browser_ts, browser_ssrc_in, payload);
    browser_ts += static_cast<uint32_t>(n);
    browser_pos += n;
    return p;
  }

  // The next SIP packet: `ms` of the 1 kHz tone in the configured law.
  std::vector<uint8_t> sip_packet(int ms) {
    const size_t n = 8 * static_cast<size_t>(ms);
    auto pcm = sine(1000, 8000, n, amplitude, sip_pos);
    std::vector<uint8_t> payload(n);
    g711_encode(cfg.sip_codec, pcm.data(), n, payload.data());
    auto p = rtp(cfg.sip_codec_payload_type, sip_seq++, sip_ts, sip_ssrc_in, payload);
    sip_ts += static_cast<uint32_t>(n);
    sip_pos += n;
    return p;
  }

  void from_browser(const std::vector<uint8_t>& p) {
    t->webrtc_to_sip(p.data(), p.size(),
                     [this](const uint8_t* d, size_t n) { to_sip.emplace_back(d, d + n); });
  }

  void from_sip(const std::vector<uint8_t>& p) {
    t->sip_to_webrtc(p.data(), p.size(),
                     [this](const uint8_t* d, size_t n) { to_browser.emplace_back(d, d + n); });
  }

  // Checks every header toward SIP (consecutive, 160 ticks apart unless a jump is expected at
  // `jump_at` of `jump` ticks, marker on the first packet and at the jump) and returns the
  // decoded audio.
  std::vector<int16_t> check_sip_stream(size_t jump_at = 0, uint32_t jump = 0) {
    std::vector<int16_t> pcm;
    uint32_t ts = cfg.sip_initial_timestamp;
    for (size_t i = 0; i < to_sip.size(); ++i) {
      auto p = rtp_packet::parse(to_sip[i].data(), to_sip[i].size());
      CAF_REQUIRE(p);
      if (jump_at != 0 && i == jump_at) {
        ts += jump;
      }
      CAF_CHECK_EQUAL(p->payload_type(), cfg.sip_codec_payload_type);
      CAF_CHECK_EQUAL(p->ssrc(), cfg.sip_ssrc);
      CAF_CHECK_EQUAL(p->sequence(), static_cast<uint16_t>(cfg.sip_initial_sequence + i));
      CAF_CHECK_EQUAL(p->timestamp(), ts);
      CAF_CHECK_EQUAL(p->marker(), i == 0 || (jump_at != 0 && i == jump_at));
      CAF_REQUIRE_EQUAL(p->payload_size(), 160u);
      std::vector<int16_t> frame(160);
      g711_decode(cfg.sip_codec, p->payload(), 160, frame.data());
      pcm.insert(pcm.end(), frame.begin(), frame.end());
      ts += 160;
    }
    return pcm;
  }

  // The same toward the browser (960 ticks per 20 ms), decoding with a separate 48 kHz decoder
  // as the browser would.
  std::vector<int16_t> check_browser_stream() {
    int error = 0;
    opus_settings s;
    s.sample_rate = 48000;
    auto dec = opus_decoder::create(s, error);
    CAF_REQUIRE(dec);
    std::vector<int16_t> pcm;
    uint32_t ts = cfg.browser_initial_timestamp;
    for (size_t i = 0; i < to_browser.size(); ++i) {
      auto p = rtp_packet::parse(to_browser[i].data(), to_browser[i].size());
      CAF_REQUIRE(p);
      CAF_CHECK_EQUAL(p->payload_type(), cfg.browser_opus_payload_type);
      CAF_CHECK_EQUAL(p->ssrc(), cfg.browser_ssrc);
      CAF_CHECK_EQUAL(p->sequence(), static_cast<uint16_t>(cfg.browser_initial_sequence + i));
      CAF_CHECK_EQUAL(p->timestamp(), ts);
      CAF_CHECK_EQUAL(p->marker(), i == 0);
      CAF_CHECK_EQUAL(opus_packet_samples(p->payload(), p->payload_size(), 48000), 960);
      std::vector<int16_t> frame(960);
      CAF_REQUIRE_EQUAL(dec->decode(p->payload(), p->payload_size(), frame.data(), 960), 960);
      pcm.insert(pcm.end(), frame.begin(), frame.end());
      ts += 960;
    }
    return pcm;
  }

  // Checks a decoded 1 kHz tone at the source level, after `skip` samples of codec start-up.
  static void check_tone(const std::vector<int16_t>& pcm, int rate, size_t skip,
                         double min_share = 0.9) {
    CAF_REQUIRE_GREATER(pcm.size(), skip);
    const double share = tone_share(pcm, 1000, rate, skip);
    const double level = db(rms(pcm, skip), amplitude / std::sqrt(2.0));
    const double seconds = double(pcm.size() - skip) / rate;
    const double crossings_per_second = double(zero_crossings(pcm, skip)) / seconds;
    CAF_MESSAGE("tone share " << share << ", level " << level << " dB, zero crossings/s "
                              << crossings_per_second);
    CAF_CHECK_GREATER(share, min_share);
    CAF_CHECK_LESS(std::abs(level), 1.5);
    CAF_CHECK_LESS(std::abs(crossings_per_second - 2000), 60);
  }
};

std::vector<uint8_t> event_payload(uint8_t event, bool end, uint16_t duration) {
  return {event, static_cast<uint8_t>((end ? 0x80 : 0x00) | 10),
          static_cast<uint8_t>(duration >> 8), static_cast<uint8_t>(duration)};
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(audio_transcoder_tests, fixture)

CAF_TEST(a second of browser tone arrives as pcmu with every rtp field right) {
  for (int i = 0; i < 50; ++i) {
    from_browser(browser_packet(20));
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 50u);
  auto pcm = check_sip_stream();
  check_tone(pcm, 8000, 800);
  const auto& c = t->to_sip_counters();
  CAF_CHECK_EQUAL(c.packets_in, 50u);
  CAF_CHECK_EQUAL(c.packets_out, 50u);
  CAF_CHECK_EQUAL(c.concealed_frames, 0u);
  CAF_CHECK_EQUAL(c.decode_errors, 0u);
}

CAF_TEST(browser packets of 10 40 and 60 ms become 20 ms sip packets) {
  for (int ptime : {10, 40, 60}) {
    CAF_MESSAGE("browser ptime " << ptime << " ms");
    make();
    to_sip.clear();
    for (int ms = 0; ms < 1200; ms += ptime) {
      from_browser(browser_packet(ptime));
    }
    CAF_REQUIRE_EQUAL(to_sip.size(), 60u);
    check_tone(check_sip_stream(), 8000, 800);
  }
}

CAF_TEST(pcma is produced when the sip side answered pcma) {
  cfg.sip_codec = g711_law::pcma;
  cfg.sip_codec_payload_type = 8;
  make();
  for (int i = 0; i < 50; ++i) {
    from_browser(browser_packet(20));
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 50u);
  check_tone(check_sip_stream(), 8000, 800);
}

CAF_TEST(sip tone of any ptime arrives as 20 ms opus with 48 khz timestamps) {
  for (int i = 0; i < 40; ++i) {
    from_sip(sip_packet(30));
  }
  CAF_REQUIRE_EQUAL(to_browser.size(), 60u);
  auto pcm = check_browser_stream();
  check_tone(pcm, 48000, 4800);
  const auto& c = t->to_browser_counters();
  CAF_CHECK_EQUAL(c.packets_in, 40u);
  CAF_CHECK_EQUAL(c.packets_out, 60u);
  CAF_CHECK_EQUAL(c.encode_errors, 0u);
}

CAF_TEST(sip packets of 10 and 60 ms are regrouped into 20 ms frames) {
  for (int ptime : {10, 60}) {
    make();
    to_browser.clear();
    for (int ms = 0; ms < 1200; ms += ptime) {
      from_sip(sip_packet(ptime));
    }
    CAF_REQUIRE_EQUAL(to_browser.size(), 60u);
    check_tone(check_browser_stream(), 48000, 4800);
  }
}

CAF_TEST(one lost browser packet is recovered and the sip stream stays whole) {
  for (int i = 0; i < 50; ++i) {
    auto p = browser_packet(20);
    if (i != 25) {
      from_browser(p);
    }
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 50u);
  check_tone(check_sip_stream(), 8000, 800, 0.8);
  const auto& c = t->to_sip_counters();
  CAF_CHECK_EQUAL(c.fec_recoveries, 1u);
  CAF_CHECK_EQUAL(c.concealed_frames, 1u);
  CAF_CHECK_EQUAL(c.concealed_samples, 160u);
  CAF_CHECK_EQUAL(c.skipped_gaps, 0u);
  CAF_CHECK_EQUAL(t->snapshot().to_sip.input.lost, 1u);
}

CAF_TEST(a burst of lost browser packets is concealed) {
  for (int i = 0; i < 50; ++i) {
    auto p = browser_packet(20);
    if (i < 20 || i > 22) {
      from_browser(p);
    }
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 50u);
  check_tone(check_sip_stream(), 8000, 800, 0.6);
  const auto& c = t->to_sip_counters();
  CAF_CHECK_EQUAL(c.fec_recoveries, 0u);
  CAF_CHECK_EQUAL(c.concealed_frames, 3u);
  CAF_CHECK_EQUAL(c.skipped_gaps, 0u);
}

CAF_TEST(a gap longer than the concealment limit becomes a marked jump) {
  for (int i = 0; i < 50; ++i) {
    auto p = browser_packet(20);
    if (i < 20 || i >= 30) {
      from_browser(p);
    }
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 40u);
  check_sip_stream(20, 10 * 160);
  CAF_CHECK_EQUAL(t->to_sip_counters().skipped_gaps, 1u);
  CAF_CHECK_EQUAL(t->to_sip_counters().concealed_frames, 0u);
}

CAF_TEST(a lost sip packet leaves a timestamp jump for the browser to conceal) {
  for (int i = 0; i < 50; ++i) {
    auto p = sip_packet(20);
    if (i != 25) {
      from_sip(p);
    }
  }
  CAF_REQUIRE_EQUAL(to_browser.size(), 49u);
  for (size_t i = 0; i < to_browser.size(); ++i) {
    auto p = rtp_packet::parse(to_browser[i].data(), to_browser[i].size());
    CAF_REQUIRE(p);
    const uint32_t frames = i < 25 ? uint32_t(i) : uint32_t(i + 1);
    CAF_CHECK_EQUAL(p->sequence(), static_cast<uint16_t>(cfg.browser_initial_sequence + i));
    CAF_CHECK_EQUAL(p->timestamp(), cfg.browser_initial_timestamp + 960 * frames);
    CAF_CHECK_EQUAL(p->marker(), i == 0 || i == 25);
  }
  CAF_CHECK_EQUAL(t->to_browser_counters().skipped_gaps, 1u);
}

CAF_TEST(browser dtmf reaches sip at 8 khz in line with the audio) {
  for (int i = 0; i < 5; ++i) {
    from_browser(browser_packet(20));
  }
  // Digit '7': three updates and the end packet sent three times, all at the event's start.
  const uint32_t start = browser_ts;
  const uint16_t durations[] = {960, 1920, 2880, 3840, 3840, 3840};
  for (int i = 0; i < 6; ++i) {
    from_browser(rtp(126, browser_seq++, start, browser_ssrc_in,
                     event_payload(7, i >= 3, durations[i]), i == 0));
  }
  // The browser resumes audio after the event.
  browser_ts += 3840;
  browser_pos += 3840;
  for (int i = 0; i < 5; ++i) {
    from_browser(browser_packet(20));
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 16u);
  for (size_t i = 0; i < 6; ++i) {
    auto p = rtp_packet::parse(to_sip[5 + i].data(), to_sip[5 + i].size());
    CAF_REQUIRE(p);
    CAF_CHECK_EQUAL(p->payload_type(), 101);
    CAF_CHECK_EQUAL(p->ssrc(), cfg.sip_ssrc);
    CAF_CHECK_EQUAL(p->sequence(), static_cast<uint16_t>(cfg.sip_initial_sequence + 5 + i));
    CAF_CHECK_EQUAL(p->timestamp(), cfg.sip_initial_timestamp + 5 * 160);
    CAF_CHECK_EQUAL(p->marker(), i == 0);
    telephone_event e;
    CAF_REQUIRE(parse_telephone_event(p->payload(), p->payload_size(), e));
    CAF_CHECK_EQUAL(e.event, 7);
    CAF_CHECK_EQUAL(e.end, i >= 3);
    CAF_CHECK_EQUAL(e.volume, 10);
    CAF_CHECK_EQUAL(e.duration, durations[i] / 6);
  }
  // Audio goes on after the event's duration, as a new talkspurt (the event replaced it).
  auto after = rtp_packet::parse(to_sip[11].data(), to_sip[11].size());
  CAF_REQUIRE(after);
  CAF_CHECK_EQUAL(after->payload_type(), 0);
  CAF_CHECK(after->marker());
  CAF_CHECK_EQUAL(after->sequence(), static_cast<uint16_t>(cfg.sip_initial_sequence + 11));
  CAF_CHECK_EQUAL(after->timestamp(), cfg.sip_initial_timestamp + 5 * 160 + 640);
  const auto& c = t->to_sip_counters();
  CAF_CHECK_EQUAL(c.events_in, 6u);
  CAF_CHECK_EQUAL(c.events_out, 6u);
  CAF_CHECK_EQUAL(c.concealed_frames, 0u);
  CAF_CHECK_EQUAL(c.skipped_gaps, 1u);
}

CAF_TEST(sip dtmf reaches the browser at 48 khz with its payload type) {
  for (int i = 0; i < 4; ++i) {
    from_sip(sip_packet(20));
  }
  const uint32_t start = sip_ts;
  from_sip(rtp(101, sip_seq++, start, sip_ssrc_in, event_payload(11, false, 160), true));
  from_sip(rtp(101, sip_seq++, start, sip_ssrc_in, event_payload(11, true, 800)));
  CAF_REQUIRE_EQUAL(to_browser.size(), 6u);
  for (size_t i = 0; i < 2; ++i) {
    auto p = rtp_packet::parse(to_browser[4 + i].data(), to_browser[4 + i].size());
    CAF_REQUIRE(p);
    CAF_CHECK_EQUAL(p->payload_type(), 126);
    CAF_CHECK_EQUAL(p->ssrc(), cfg.browser_ssrc);
    CAF_CHECK_EQUAL(p->sequence(), static_cast<uint16_t>(cfg.browser_initial_sequence + 4 + i));
    CAF_CHECK_EQUAL(p->timestamp(), cfg.browser_initial_timestamp + 4 * 960);
    CAF_CHECK_EQUAL(p->marker(), i == 0);
    telephone_event e;
    CAF_REQUIRE(parse_telephone_event(p->payload(), p->payload_size(), e));
    CAF_CHECK_EQUAL(e.event, 11);
    CAF_CHECK_EQUAL(e.end, i == 1);
    CAF_CHECK_EQUAL(e.duration, i == 0 ? 960 : 4800);
  }
}

CAF_TEST(dtmf the other side did not negotiate is dropped and counted) {
  cfg.browser_event_payload_type = 0;
  make();
  from_sip(rtp(101, sip_seq++, sip_ts, sip_ssrc_in, event_payload(1, false, 160), true));
  CAF_CHECK(to_browser.empty());
  CAF_CHECK_EQUAL(t->to_browser_counters().unsupported_dropped, 1u);
  // And on the browser side, with no telephone-event PT of its own, 126 is just unknown.
  from_browser(rtp(126, browser_seq++, browser_ts, browser_ssrc_in, event_payload(1, 0, 960)));
  CAF_CHECK(to_sip.empty());
  CAF_CHECK_EQUAL(t->to_sip_counters().unsupported_dropped, 1u);
}

CAF_TEST(a new browser ssrc keeps the sip stream continuous) {
  for (int i = 0; i < 25; ++i) {
    from_browser(browser_packet(20));
  }
  // An ICE restart or a new track: new SSRC, sequence and timestamp base.
  browser_seq = 17;
  browser_ts = 123456789;
  auto first = browser_packet(20);
  first[8] = 0x0c;  // change the SSRC
  from_browser(first);
  for (int i = 0; i < 24; ++i) {
    auto p = browser_packet(20);
    p[8] = 0x0c;
    from_browser(p);
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 50u);
  // No jump in timestamps: the new stream continues at the next frame, flagged with a marker.
  uint32_t ts = cfg.sip_initial_timestamp;
  for (size_t i = 0; i < to_sip.size(); ++i, ts += 160) {
    auto p = rtp_packet::parse(to_sip[i].data(), to_sip[i].size());
    CAF_REQUIRE(p);
    CAF_CHECK_EQUAL(p->sequence(), static_cast<uint16_t>(cfg.sip_initial_sequence + i));
    CAF_CHECK_EQUAL(p->timestamp(), ts);
    CAF_CHECK_EQUAL(p->marker(), i == 0 || i == 25);
  }
  CAF_CHECK_EQUAL(t->snapshot().to_sip.input.ssrc_changes, 1u);
}

CAF_TEST(malformed duplicate and unknown packets are dropped and counted) {
  auto good = browser_packet(20);
  from_browser(good);
  from_browser(good);  // duplicate
  std::vector<uint8_t> runt(good.begin(), good.begin() + 8);
  from_browser(runt);
  from_browser(rtp(0, browser_seq++, browser_ts, browser_ssrc_in, {1, 2, 3}));
  auto corrupt = rtp(111, browser_seq++, browser_ts, browser_ssrc_in, std::vector<uint8_t>{});
  from_browser(corrupt);
  from_sip(rtp(13, sip_seq++, sip_ts, sip_ssrc_in, {0x40}));  // comfort noise
  from_sip(rtp(0, sip_seq++, sip_ts, sip_ssrc_in, std::vector<uint8_t>{}));
  from_sip(runt);
  CAF_CHECK_EQUAL(to_sip.size(), 1u);  // the good packet's 20 ms
  CAF_CHECK(to_browser.empty());
  const auto& s = t->to_sip_counters();
  CAF_CHECK_EQUAL(s.packets_in, 5u);
  CAF_CHECK_EQUAL(s.late_dropped, 1u);
  CAF_CHECK_EQUAL(s.malformed_dropped, 1u);
  CAF_CHECK_EQUAL(s.unsupported_dropped, 1u);
  CAF_CHECK_EQUAL(s.decode_errors, 1u);
  const auto& b = t->to_browser_counters();
  CAF_CHECK_EQUAL(b.packets_in, 3u);
  CAF_CHECK_EQUAL(b.unsupported_dropped, 1u);
  CAF_CHECK_EQUAL(b.malformed_dropped, 2u);
}

CAF_TEST(a restored transcoder continues both streams where the original stopped) {
  for (int i = 0; i < 25; ++i) {
    from_browser(browser_packet(20));
    from_sip(sip_packet(20));
  }
  auto snapshot = t->snapshot();
  std::vector<std::byte> dec(t->decoder_state().begin(), t->decoder_state().end());
  std::vector<std::byte> enc(t->encoder_state().begin(), t->encoder_state().end());
  t.reset();
  auto error = audio_transcoder_error::none;
  t = audio_transcoder::restore(snapshot, dec, enc, error);
  CAF_REQUIRE(t);
  for (int i = 0; i < 25; ++i) {
    from_browser(browser_packet(20));
    from_sip(sip_packet(20));
  }
  CAF_REQUIRE_EQUAL(to_sip.size(), 50u);
  CAF_REQUIRE_EQUAL(to_browser.size(), 50u);
  check_tone(check_sip_stream(), 8000, 800);
  check_tone(check_browser_stream(), 48000, 4800);
  CAF_CHECK_EQUAL(t->to_sip_counters().packets_in, 50u);
  CAF_CHECK_EQUAL(t->to_browser_counters().packets_out, 50u);
  // A state block from another libopus build (another size) is refused.
  t = audio_transcoder::restore(snapshot, std::span<const std::byte>{dec.data(), 10}, enc, error);
  CAF_CHECK(!t);
  CAF_CHECK_EQUAL(error, audio_transcoder_error::bad_state);
}

CAF_TEST(invalid configurations are refused with their reason) {
  auto error = audio_transcoder_error::none;
  auto c = cfg;
  c.sip_event_payload_type = 0;
  CAF_CHECK(audio_transcoder::create(c, error));
  c = cfg;
  c.browser_event_payload_type = 111;
  CAF_CHECK(!audio_transcoder::create(c, error));
  CAF_CHECK_EQUAL(error, audio_transcoder_error::payload_type_clash);
  c = cfg;
  c.sip_codec_payload_type = 200;
  CAF_CHECK(!audio_transcoder::create(c, error));
  CAF_CHECK_EQUAL(error, audio_transcoder_error::bad_payload_type);
  c = cfg;
  c.opus_complexity = 12;
  CAF_CHECK(!audio_transcoder::create(c, error));
  CAF_CHECK_EQUAL(error, audio_transcoder_error::opus_encoder_failed);
  c = cfg;
  c.max_concealment_ms = 500;
  CAF_CHECK(!audio_transcoder::create(c, error));
  CAF_CHECK_EQUAL(error, audio_transcoder_error::bad_concealment);
}

CAF_TEST_FIXTURE_SCOPE_END()
