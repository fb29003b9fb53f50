// Google Benchmark of the media packet path: RTP parse + rewrite, G.711, Opus at 8 kHz, and both
// directions of the transcoder per 20 ms packet and per transcoded call-second.
//
// Every benchmark also reports `allocs/iter`: heap allocations counted by the replaced global
// operator new (allocation_counter.cpp) during the timed loop; the packet path must stay at 0.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include "media/codec/audio_transcoder.hpp"
#include "media/codec/g711.hpp"
#include "media/codec/opus_codec.hpp"
#include "media/rtp/byte_order.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/rtp/rtp_stream_rewriter.hpp"
#include "tests/bench/allocation_counter.hpp"

using namespace wrtc::media;

namespace {

constexpr double pi = 3.14159265358979323846;

// A voice-like test signal: harmonics of a gliding pitch, a syllable-rate envelope, some noise.
// (A pure tone is cheaper to code than speech and would flatter the codec figures.)
std::vector<int16_t> voice_like(int rate, size_t count) {
  std::vector<int16_t> out(count);
  double phase = 0;
  uint32_t seed = 12345;
  for (size_t i = 0; i < count; ++i) {
    const double t = double(i) / rate;
    const double f0 = 140 + 60 * std::sin(2 * pi * 0.7 * t);
    phase += 2 * pi * f0 / rate;
    double v = 0;
    for (int h = 1; h <= 20 && h * f0 < rate / 2.0; ++h) v += std::sin(h * phase) / h;
    const double envelope = 0.55 + 0.45 * std::sin(2 * pi * 4 * t);
    seed = seed * 1664525u + 1013904223u;
    const double noise = (double(seed >> 8) / double(1 << 24)) * 2 - 1;
    out[i] = static_cast<int16_t>(std::lround(5000 * envelope * v + 250 * noise));
  }
  return out;
}

void report_allocations(benchmark::State& state, uint64_t before) {
  const auto n = wrtc::bench::allocation_count() - before;
  state.counters["allocs/iter"] =
      benchmark::Counter(double(n) / double(state.iterations() == 0 ? 1 : state.iterations()));
}

void set_header(std::vector<uint8_t>& p, uint16_t seq, uint32_t ts) {
  store_be16(p.data() + 2, seq);
  store_be32(p.data() + 4, ts);
}

std::vector<uint8_t> make_rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                              const uint8_t* payload, size_t len) {
  std::vector<uint8_t> p(rtp_fixed_header_size + len);
  rtp_header h;
  h.payload_type = pt;
  h.sequence = seq;
  h.timestamp = ts;
  h.ssrc = ssrc;
  write_rtp_header(p.data(), p.size(), h);
  std::copy(payload, payload + len, p.begin() + rtp_fixed_header_size);
  return p;
}

// One second of browser Opus (48 kHz, 20 ms, 32 kbit/s as Chromium sends) as 50 RTP packets.
std::vector<std::vector<uint8_t>> browser_second() {
  opus_settings s;
  s.sample_rate = 48000;
  s.complexity = 9;
  s.bitrate = 32000;
  int error = 0;
  auto enc = opus_encoder::create(s, error);
  if (!enc) throw std::runtime_error("opus encoder");
  auto pcm = voice_like(48000, 48000);
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < 50; ++i) {
    uint8_t payload[1500];
    int n = enc->encode(pcm.data() + i * 960, 960, payload, sizeof(payload));
    if (n <= 0) throw std::runtime_error("opus encode");
    out.push_back(make_rtp(111, 0, 0, 0x0b0b0b0b, payload, size_t(n)));
  }
  return out;
}

// One second of PCMU from the SIP side as 50 RTP packets of 20 ms.
std::vector<std::vector<uint8_t>> sip_second() {
  auto pcm = voice_like(8000, 8000);
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < 50; ++i) {
    uint8_t payload[160];
    g711_encode(g711_law::pcmu, pcm.data() + i * 160, 160, payload);
    out.push_back(make_rtp(0, 0, 0, 0x05050505, payload, 160));
  }
  return out;
}

std::unique_ptr<audio_transcoder> transcoder(int complexity) {
  audio_transcoder_config c;
  c.browser_event_payload_type = 126;
  c.sip_event_payload_type = 101;
  c.browser_ssrc = 0xb1b2b3b4;
  c.sip_ssrc = 0x51525354;
  c.opus_complexity = complexity;
  auto error = audio_transcoder_error::none;
  auto t = audio_transcoder::create(c, error);
  if (!t) throw std::runtime_error("transcoder");
  return t;
}

// -- RTP ------------------------------------------------------------------------------

// Relay work per packet: validate, classify and map, rewrite the header in place.
void BM_rtp_parse_rewrite(benchmark::State& state) {
  std::vector<uint8_t> payload(160, 0xd5);
  auto packet = make_rtp(0, 0, 0, 0x12345678, payload.data(), payload.size());
  rtp_stream_rewriter_config cfg;
  cfg.ssrc = 0x87654321;
  rtp_stream_rewriter w{cfg};
  uint16_t seq = 0;
  uint32_t ts = 0;
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    set_header(packet, seq++, ts);
    ts += 160;
    auto p = rtp_packet::parse(packet.data(), packet.size());
    auto r = w.rewrite(*p);
    w.apply(packet.data(), r);
    benchmark::DoNotOptimize(packet.data());
  }
  report_allocations(state, before);
}
BENCHMARK(BM_rtp_parse_rewrite);

// -- G.711 ------------------------------------------------------------------------------

void BM_g711_encode_160(benchmark::State& state) {
  const auto law = static_cast<g711_law>(state.range(0));
  auto pcm = voice_like(8000, 160);
  uint8_t out[160];
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    g711_encode(law, pcm.data(), 160, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report_allocations(state, before);
  state.SetLabel(std::string{to_string(law)});
}
BENCHMARK(BM_g711_encode_160)->Arg(0)->Arg(1);

void BM_g711_decode_160(benchmark::State& state) {
  const auto law = static_cast<g711_law>(state.range(0));
  auto pcm = voice_like(8000, 160);
  uint8_t codes[160];
  g711_encode(law, pcm.data(), 160, codes);
  int16_t out[160];
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    g711_decode(law, codes, 160, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  report_allocations(state, before);
  state.SetLabel(std::string{to_string(law)});
}
BENCHMARK(BM_g711_decode_160)->Arg(0)->Arg(1);

// -- Opus at 8 kHz (what the architecture guide measured) -------------------------------

void BM_opus_encode_8k_20ms(benchmark::State& state) {
  opus_settings s;
  s.complexity = static_cast<int>(state.range(0));
  int error = 0;
  auto enc = opus_encoder::create(s, error);
  auto pcm = voice_like(8000, 8000);
  uint8_t out[1275];
  size_t frame = 0;
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    int n = enc->encode(pcm.data() + frame * 160, 160, out, sizeof(out));
    benchmark::DoNotOptimize(n);
    frame = (frame + 1) % 50;
  }
  report_allocations(state, before);
}
BENCHMARK(BM_opus_encode_8k_20ms)->Arg(1)->Arg(5)->Arg(10);

// Decoding the browser's 48 kHz-coded packets straight to 8 kHz.
void BM_opus_decode_to_8k_20ms(benchmark::State& state) {
  auto packets = browser_second();
  opus_settings s;
  int error = 0;
  auto dec = opus_decoder::create(s, error);
  int16_t pcm[960];
  size_t i = 0;
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    const auto& p = packets[i];
    int n =
        dec->decode(p.data() + rtp_fixed_header_size, p.size() - rtp_fixed_header_size, pcm, 960);
    benchmark::DoNotOptimize(n);
    i = (i + 1) % packets.size();
  }
  report_allocations(state, before);
}
BENCHMARK(BM_opus_decode_to_8k_20ms);

// -- the transcoder, one 20 ms packet through a whole direction (RTP in to RTP out) --------

void BM_transcode_opus_to_pcmu(benchmark::State& state) {
  auto t = transcoder(5);
  auto packets = browser_second();
  uint16_t seq = 0;
  uint32_t ts = 0;
  size_t i = 0;
  size_t out_bytes = 0;
  auto emit = [&](const uint8_t*, size_t n) { out_bytes += n; };
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    auto& p = packets[i];
    set_header(p, seq++, ts);
    ts += 960;
    t->webrtc_to_sip(p.data(), p.size(), emit);
    i = (i + 1) % packets.size();
  }
  report_allocations(state, before);
  benchmark::DoNotOptimize(out_bytes);
  if (t->to_sip_counters().packets_out != t->to_sip_counters().packets_in)
    state.SkipWithError("not one PCMU packet per Opus packet");
}
BENCHMARK(BM_transcode_opus_to_pcmu);

void BM_transcode_pcmu_to_opus(benchmark::State& state) {
  auto t = transcoder(static_cast<int>(state.range(0)));
  auto packets = sip_second();
  uint16_t seq = 0;
  uint32_t ts = 0;
  size_t i = 0;
  size_t out_bytes = 0;
  auto emit = [&](const uint8_t*, size_t n) { out_bytes += n; };
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    auto& p = packets[i];
    set_header(p, seq++, ts);
    ts += 160;
    t->sip_to_webrtc(p.data(), p.size(), emit);
    i = (i + 1) % packets.size();
  }
  report_allocations(state, before);
  benchmark::DoNotOptimize(out_bytes);
  if (t->to_browser_counters().packets_out != t->to_browser_counters().packets_in)
    state.SkipWithError("not one Opus packet per PCMU packet");
}
BENCHMARK(BM_transcode_pcmu_to_opus)->Arg(1)->Arg(5);

// One transcoded call-second: 50 packets each way (the architecture guide's unit; rtpengine
// spends 10.4 ms). Arg: Opus complexity toward the browser.
void BM_transcoded_call_second(benchmark::State& state) {
  auto t = transcoder(static_cast<int>(state.range(0)));
  auto from_browser = browser_second();
  auto from_sip = sip_second();
  uint16_t seq = 0;
  uint32_t ts = 0;
  size_t out_bytes = 0;
  auto emit = [&](const uint8_t*, size_t n) { out_bytes += n; };
  const auto before = wrtc::bench::allocation_count();
  for (auto _ : state) {
    for (size_t i = 0; i < 50; ++i, ++seq) {
      set_header(from_browser[i], seq, ts * 6);
      t->webrtc_to_sip(from_browser[i].data(), from_browser[i].size(), emit);
      set_header(from_sip[i], seq, ts);
      t->sip_to_webrtc(from_sip[i].data(), from_sip[i].size(), emit);
      ts += 160;
    }
  }
  report_allocations(state, before);
  benchmark::DoNotOptimize(out_bytes);
  state.SetLabel("50 packets each way");
}
BENCHMARK(BM_transcoded_call_second)->Arg(1)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
