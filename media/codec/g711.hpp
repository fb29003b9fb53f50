// ITU-T G.711 PCMU (µ-law) and PCMA (A-law): 16-bit linear PCM <-> 8-bit codes, table-driven.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wrtc::media {

/// The two G.711 companding laws, as negotiated on the SIP side.
enum class g711_law : uint8_t {
  /// µ-law, static RTP payload type 0.
  pcmu,
  /// A-law, static RTP payload type 8.
  pcma,
};

std::string_view to_string(g711_law law);

/// The static RTP payload type of a law (RFC 3551): 0 for PCMU, 8 for PCMA.
constexpr uint8_t static_payload_type(g711_law law) {
  return law == g711_law::pcmu ? 0 : 8;
}

/// One sample, exactly as ITU-T G.711 (and its G.191 reference code) quantizes a 16-bit
/// left-justified sample: µ-law looks at the top 14 bits, A-law at the top 13.
uint8_t pcmu_encode(int16_t sample);
uint8_t pcma_encode(int16_t sample);
int16_t pcmu_decode(uint8_t code);
int16_t pcma_decode(uint8_t code);

/// Encodes `count` samples into `count` codes.
void g711_encode(g711_law law, const int16_t* pcm, size_t count, uint8_t* out);

/// Decodes `count` codes into `count` samples.
void g711_decode(g711_law law, const uint8_t* codes, size_t count, int16_t* out);

}  // namespace wrtc::media
