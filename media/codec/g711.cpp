// G.711 tables, computed at compile time from the segment definitions of the recommendation.
#include "media/codec/g711.hpp"

#include <array>

namespace wrtc::media {

namespace {

// -- µ-law -------------------------------------------------------------------
// Magnitudes are 13-bit (the sample's top 14 bits without sign) plus the bias 33, so the eight
// segments start at powers of two from 32; each holds 16 steps of 2^(segment + 1).

constexpr uint8_t ulaw_from_top14(int v14) {
  // ~v for negatives is the one's complement magnitude G.711 uses (-1 maps to "negative zero").
  const bool negative = v14 < 0;
  int magnitude = (negative ? ~v14 : v14) + 33;
  if (magnitude > 0x1fff) {
    magnitude = 0x1fff;
  }
  int segment = 0;
  while ((magnitude >> (segment + 6)) != 0) {
    ++segment;
  }
  const int mantissa = (magnitude >> (segment + 1)) & 0x0f;
  // Codes are transmitted inverted; bit 7 set means positive.
  const int code = (~((segment << 4) | mantissa) & 0x7f) | (negative ? 0x00 : 0x80);
  return static_cast<uint8_t>(code);
}

constexpr int16_t ulaw_to_linear(uint8_t code) {
  const int inverted = ~code & 0xff;
  const int segment = (inverted >> 4) & 0x07;
  const int mantissa = inverted & 0x0f;
  // Mid-point of the quantization interval, bias removed, scaled back to 16 bits.
  const int magnitude = (((mantissa << 3) + 0x84) << segment) - 0x84;
  return static_cast<int16_t>((code & 0x80) != 0 ? magnitude : -magnitude);
}

// -- A-law -------------------------------------------------------------------
// Magnitudes are 12-bit (the sample's top 13 bits without sign); segments 0 and 1 share the
// finest step, each further segment doubles it. Even bits are inverted on the wire (^0x55).

constexpr uint8_t alaw_from_top13(int v13) {
  const bool negative = v13 < 0;
  const int magnitude = (negative ? ~v13 : v13) >> 1;
  int code = 0;
  if (magnitude < 32) {
    code = magnitude;
  } else {
    int segment = 1;
    while ((magnitude >> (segment + 4)) != 0) {
      ++segment;
    }
    code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0f);
  }
  code |= negative ? 0x00 : 0x80;
  return static_cast<uint8_t>(code ^ 0x55);
}

constexpr int16_t alaw_to_linear(uint8_t code) {
  const int a = code ^ 0x55;
  const int segment = (a >> 4) & 0x07;
  const int mantissa = a & 0x0f;
  const int magnitude =
      segment == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  return static_cast<int16_t>((a & 0x80) != 0 ? magnitude : -magnitude);
}

// -- tables --------------------------------------------------------------------
// Encoders are indexed by the sample's top bits as an unsigned field, decoders by the code.

constexpr auto ulaw_encode_table = [] {
  std::array<uint8_t, 1 << 14> t{};
  for (int i = 0; i < (1 << 14); ++i) {
    t[i] = ulaw_from_top14(i < (1 << 13) ? i : i - (1 << 14));
  }
  return t;
}();

constexpr auto alaw_encode_table = [] {
  std::array<uint8_t, 1 << 13> t{};
  for (int i = 0; i < (1 << 13); ++i) {
    t[i] = alaw_from_top13(i < (1 << 12) ? i : i - (1 << 13));
  }
  return t;
}();

constexpr auto ulaw_decode_table = [] {
  std::array<int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    t[i] = ulaw_to_linear(static_cast<uint8_t>(i));
  }
  return t;
}();

constexpr auto alaw_decode_table = [] {
  std::array<int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    t[i] = alaw_to_linear(static_cast<uint8_t>(i));
  }
  return t;
}();

}  // namespace

std::string_view to_string(g711_law law) {
  return law == g711_law::pcmu ? "PCMU" : "PCMA";
}

uint8_t pcmu_encode(int16_t sample) {
  return ulaw_encode_table[static_cast<uint16_t>(sample) >> 2];
}

uint8_t pcma_encode(int16_t sample) {
  return alaw_encode_table[static_cast<uint16_t>(sample) >> 3];
}

int16_t pcmu_decode(uint8_t code) {
  return ulaw_decode_table[code];
}

int16_t pcma_decode(uint8_t code) {
  return alaw_decode_table[code];
}

void g711_encode(g711_law law, const int16_t* pcm, size_t count, uint8_t* out) {
  if (law == g711_law::pcmu) {
    for (size_t i = 0; i < count; ++i) {
      out[i] = ulaw_encode_table[static_cast<uint16_t>(pcm[i]) >> 2];
    }
  } else {
    for (size_t i = 0; i < count; ++i) {
      out[i] = alaw_encode_table[static_cast<uint16_t>(pcm[i]) >> 3];
    }
  }
}

void g711_decode(g711_law law, const uint8_t* codes, size_t count, int16_t* out) {
  const auto& table = law == g711_law::pcmu ? ulaw_decode_table : alaw_decode_table;
  for (size_t i = 0; i < count; ++i) {
    out[i] = table[codes[i]];
  }
}

}  // namespace wrtc::media
