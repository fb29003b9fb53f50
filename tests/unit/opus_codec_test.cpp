// Unit suite of the libopus wrappers: 8 kHz VOIP coding, PLC, FEC, relocatable states.
#define CAF_SUITE media.opus_codec

#include "media/codec/opus_codec.hpp"

#include <algorithm>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "tests/unit/media_signals.hpp"

using namespace wrtc::media;
using namespace wrtc::test;

namespace {

struct fixture {
  int error = 0;
  std::unique_ptr<opus_encoder> enc = opus_encoder::create(opus_settings{}, error);
  std::unique_ptr<opus_decoder> dec = opus_decoder::create(opus_settings{}, error);
  std::vector<int16_t> tone = sine(1000, 8000, 8000, 10000);

  std::vector<uint8_t> encode_frame(opus_encoder& e, size_t frame) {
    std::vector<uint8_t> out(1275);
    int n = e.encode(tone.data() + frame * 160, 160, out.data(), out.size());
    CAF_REQUIRE_GREATER(n, 0);
    out.resize(static_cast<size_t>(n));
    return out;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(opus_codec_tests, fixture)

CAF_TEST(an 8 khz voip encoder and decoder round trip a tone) {
  CAF_REQUIRE(enc);
  CAF_REQUIRE(dec);
  std::vector<int16_t> decoded;
  for (size_t f = 0; f < 50; ++f) {
    auto packet = encode_frame(*enc, f);
    CAF_CHECK_EQUAL(opus_packet_samples(packet.data(), packet.size(), 8000), 160);
    CAF_CHECK_EQUAL(opus_packet_samples(packet.data(), packet.size(), 48000), 960);
    int16_t pcm[960];
    CAF_REQUIRE_EQUAL(dec->decode(packet.data(), packet.size(), pcm, 960), 160);
    decoded.insert(decoded.end(), pcm, pcm + 160);
  }
  // Skip the codec's start-up (look-ahead, bitrate ramp).
  CAF_CHECK_GREATER(tone_share(decoded, 1000, 8000, 1600), 0.9);
  CAF_CHECK_LESS(std::abs(db(rms(decoded, 1600), rms(tone))), 2.0);
}

CAF_TEST(concealment and fec produce the samples asked for) {
  std::vector<std::vector<uint8_t>> packets;
  for (size_t f = 0; f < 10; ++f) {
    packets.push_back(encode_frame(*enc, f));
  }
  int16_t pcm[960];
  for (size_t f = 0; f < 5; ++f) {
    CAF_REQUIRE_EQUAL(dec->decode(packets[f].data(), packets[f].size(), pcm, 960), 160);
  }
  // Packet 5 lost: recover it from packet 6's in-band FEC, then decode 6.
  CAF_CHECK_EQUAL(dec->recover(packets[6].data(), packets[6].size(), pcm, 160), 160);
  CAF_CHECK_EQUAL(dec->decode(packets[6].data(), packets[6].size(), pcm, 960), 160);
  // Packets 7 and 8 lost: conceal 40 ms, then decode 9.
  CAF_CHECK_EQUAL(dec->conceal(pcm, 320), 320);
  CAF_CHECK_EQUAL(dec->decode(packets[9].data(), packets[9].size(), pcm, 960), 160);
  // An empty payload is refused, never read as "lost".
  CAF_CHECK_LESS(dec->decode(packets[9].data(), 0, pcm, 960), 0);
  // Garbage is refused with a libopus error.
  std::vector<uint8_t> garbage = {0xff, 0xff, 0xff};
  CAF_CHECK_LESS(dec->decode(garbage.data(), garbage.size(), pcm, 960), 0);
  CAF_CHECK_LESS(opus_packet_samples(garbage.data(), 0, 8000), 0);
}

CAF_TEST(a copied encoder state produces the same packets) {
  for (size_t f = 0; f < 10; ++f) {
    encode_frame(*enc, f);
  }
  auto copy = opus_encoder::create(opus_settings{}, error);
  CAF_REQUIRE(copy);
  auto bytes = enc->state_bytes();
  std::vector<std::byte> saved(bytes.begin(), bytes.end());
  CAF_REQUIRE(copy->restore_state(saved));
  for (size_t f = 10; f < 20; ++f) {
    CAF_CHECK_EQUAL(encode_frame(*enc, f), encode_frame(*copy, f));
  }
  CAF_CHECK(!copy->restore_state(std::span<const std::byte>{saved.data(), saved.size() - 1}));
}

CAF_TEST(a copied decoder state produces the same samples) {
  std::vector<std::vector<uint8_t>> packets;
  for (size_t f = 0; f < 20; ++f) {
    packets.push_back(encode_frame(*enc, f));
  }
  int16_t a[960], b[960];
  for (size_t f = 0; f < 10; ++f) {
    dec->decode(packets[f].data(), packets[f].size(), a, 960);
  }
  auto copy = opus_decoder::create(opus_settings{}, error);
  CAF_REQUIRE(copy);
  auto bytes = dec->state_bytes();
  std::vector<std::byte> saved(bytes.begin(), bytes.end());
  CAF_REQUIRE(copy->restore_state(saved));
  for (size_t f = 10; f < 20; ++f) {
    CAF_REQUIRE_EQUAL(dec->decode(packets[f].data(), packets[f].size(), a, 960), 160);
    CAF_REQUIRE_EQUAL(copy->decode(packets[f].data(), packets[f].size(), b, 960), 160);
    CAF_CHECK(std::equal(a, a + 160, b));
  }
  // PLC continues from the copied history as well.
  CAF_REQUIRE_EQUAL(dec->conceal(a, 160), 160);
  CAF_REQUIRE_EQUAL(copy->conceal(b, 160), 160);
  CAF_CHECK(std::equal(a, a + 160, b));
}

CAF_TEST(settings libopus refuses are reported) {
  opus_settings bad;
  bad.complexity = 11;
  CAF_CHECK(!opus_encoder::create(bad, error));
  CAF_CHECK_EQUAL(error, -1);  // OPUS_BAD_ARG
  bad = opus_settings{};
  bad.sample_rate = 44100;
  CAF_CHECK(!opus_encoder::create(bad, error));
  CAF_CHECK(!opus_decoder::create(bad, error));
  bad = opus_settings{};
  bad.channels = 3;
  CAF_CHECK(!opus_decoder::create(bad, error));
  CAF_CHECK(!opus_error_text(error).empty());
  CAF_CHECK(opus_library_version().find("libopus") != std::string_view::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
