// Unit suite of G.711 PCMU and PCMA against ITU-T G.711 values.
#define CAF_SUITE media.g711

#include "media/codec/g711.hpp"

#include <cstdlib>
#include <vector>

#include "caf/test/unit_test.hpp"

using namespace wrtc::media;

CAF_TEST(pcmu decodes the reference levels) {
  // Both zeros, the extremes, and the first steps of the finest segment (G.711 Table 2a,
  // scaled to 16 bits as in ITU-T G.191).
  CAF_CHECK_EQUAL(pcmu_decode(0xff), 0);
  CAF_CHECK_EQUAL(pcmu_decode(0x7f), 0);
  CAF_CHECK_EQUAL(pcmu_decode(0x80), 32124);
  CAF_CHECK_EQUAL(pcmu_decode(0x00), -32124);
  CAF_CHECK_EQUAL(pcmu_decode(0xfe), 8);
  CAF_CHECK_EQUAL(pcmu_decode(0xf0), 120);
  CAF_CHECK_EQUAL(pcmu_decode(0xef), 132);
  CAF_CHECK_EQUAL(pcmu_decode(0x70), -120);
  CAF_CHECK_EQUAL(pcmu_decode(0xdf), 396);
  CAF_CHECK_EQUAL(pcmu_decode(0x8f), 16764);
}

CAF_TEST(pcmu encodes the reference inputs) {
  CAF_CHECK_EQUAL(pcmu_encode(0), 0xff);
  CAF_CHECK_EQUAL(pcmu_encode(-1), 0x7f);  // "negative zero"
  CAF_CHECK_EQUAL(pcmu_encode(32767), 0x80);
  CAF_CHECK_EQUAL(pcmu_encode(-32768), 0x00);
  CAF_CHECK_EQUAL(pcmu_encode(8), 0xfe);
  CAF_CHECK_EQUAL(pcmu_encode(100), 0xf2);
  CAF_CHECK_EQUAL(pcmu_encode(1000), 0xce);
  CAF_CHECK_EQUAL(pcmu_encode(-1000), 0x4e);
  CAF_CHECK_EQUAL(pcmu_encode(16764), 0x8f);
}

CAF_TEST(pcma decodes the reference levels) {
  CAF_CHECK_EQUAL(pcma_decode(0xd5), 8);
  CAF_CHECK_EQUAL(pcma_decode(0x55), -8);
  CAF_CHECK_EQUAL(pcma_decode(0xd4), 24);
  CAF_CHECK_EQUAL(pcma_decode(0xaa), 32256);
  CAF_CHECK_EQUAL(pcma_decode(0x2a), -32256);
  CAF_CHECK_EQUAL(pcma_decode(0xc5), 264);
  CAF_CHECK_EQUAL(pcma_decode(0xf5), 528);
}

CAF_TEST(pcma encodes the reference inputs) {
  CAF_CHECK_EQUAL(pcma_encode(0), 0xd5);
  CAF_CHECK_EQUAL(pcma_encode(-1), 0x55);
  CAF_CHECK_EQUAL(pcma_encode(32767), 0xaa);
  CAF_CHECK_EQUAL(pcma_encode(-32768), 0x2a);
  CAF_CHECK_EQUAL(pcma_encode(20), 0xd4);
  CAF_CHECK_EQUAL(pcma_encode(1000), 0xfa);
  CAF_CHECK_EQUAL(pcma_encode(-1000), 0x7a);
}

CAF_TEST(negative inputs are quantized on their ones complement as itu t g191 does) {
  // G.191's reference encoder takes |x| of a negative sample as ~x: -1 is "negative zero".
  // (Sun's widespread g711.c, and Python's audioop, negate instead for µ-law and so differ
  // from G.191 on 508 negative inputs next to decision levels; A-law agrees everywhere.)
  for (int x = 0; x <= 32767; ++x) {
    auto pos = static_cast<int16_t>(x);
    auto neg = static_cast<int16_t>(~x);
    CAF_REQUIRE_EQUAL(pcmu_encode(neg), pcmu_encode(pos) & 0x7f);
    CAF_REQUIRE_EQUAL(pcma_encode(neg), pcma_encode(pos) ^ 0x80);
  }
  CAF_CHECK_EQUAL(pcmu_encode(-31612), 0x01);
  CAF_CHECK_EQUAL(pcmu_encode(-31613), 0x00);
}

CAF_TEST(every code survives decode then encode) {
  for (int c = 0; c < 256; ++c) {
    auto code = static_cast<uint8_t>(c);
    CAF_CHECK_EQUAL(pcma_encode(pcma_decode(code)), code);
    // µ-law has two zeros; negative zero decodes to 0, which encodes as positive zero.
    CAF_CHECK_EQUAL(pcmu_encode(pcmu_decode(code)), code == 0x7f ? 0xff : code);
  }
}

CAF_TEST(quantization is monotonic and within half a step) {
  int prev_u = -32768, prev_a = -32768;
  int worst_u = 0, worst_a = 0;
  for (int x = -32768; x <= 32767; ++x) {
    auto s = static_cast<int16_t>(x);
    int u = pcmu_decode(pcmu_encode(s));
    int a = pcma_decode(pcma_encode(s));
    CAF_REQUIRE_GREATER_OR_EQUAL(u, prev_u);
    CAF_REQUIRE_GREATER_OR_EQUAL(a, prev_a);
    prev_u = u;
    prev_a = a;
    // Inside the range the error stays below the segment's half step plus what the 14 (13)
    // bit input truncation adds; the relative error of a log quantizer is below 1/16 + 1/32.
    int mag = std::abs(x);
    if (mag <= 32124) {
      const int err_u = std::abs(u - x);
      const int bound_u = std::max(8, mag * 3 / 32 + 4);
      CAF_REQUIRE_LESS_OR_EQUAL(err_u, bound_u);
      worst_u = std::max(worst_u, err_u);
    }
    if (mag <= 32256) {
      const int err_a = std::abs(a - x);
      const int bound_a = std::max(16, mag * 3 / 32 + 8);
      CAF_REQUIRE_LESS_OR_EQUAL(err_a, bound_a);
      worst_a = std::max(worst_a, err_a);
    }
  }
  // The largest steps are 1024 (µ-law) and 1024 (A-law) in the top segment.
  CAF_CHECK_LESS_OR_EQUAL(worst_u, 516);
  CAF_CHECK_LESS_OR_EQUAL(worst_a, 520);
}

CAF_TEST(buffer functions match the per sample ones) {
  std::vector<int16_t> pcm;
  for (int i = -32768; i <= 32767; i += 97) {
    pcm.push_back(static_cast<int16_t>(i));
  }
  for (auto law : {g711_law::pcmu, g711_law::pcma}) {
    std::vector<uint8_t> codes(pcm.size());
    g711_encode(law, pcm.data(), pcm.size(), codes.data());
    std::vector<int16_t> back(pcm.size());
    g711_decode(law, codes.data(), codes.size(), back.data());
    for (size_t i = 0; i < pcm.size(); ++i) {
      auto expect = law == g711_law::pcmu ? pcmu_encode(pcm[i]) : pcma_encode(pcm[i]);
      CAF_REQUIRE_EQUAL(codes[i], expect);
      auto level = law == g711_law::pcmu ? pcmu_decode(codes[i]) : pcma_decode(codes[i]);
      CAF_REQUIRE_EQUAL(back[i], level);
    }
  }
  CAF_CHECK_EQUAL(static_payload_type(g711_law::pcmu), 0);
  CAF_CHECK_EQUAL(static_payload_type(g711_law::pcma), 8);
}
