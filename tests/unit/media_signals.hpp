// Test signals and measurements shared by the media suites: tones, RTP packets, Goertzel, RMS.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "media/rtp/rtp_packet.hpp"

namespace wrtc::test {

inline constexpr double pi = 3.14159265358979323846;

/// `count` samples of a sine of `frequency` Hz at `rate`, peak `amplitude` (full scale 32767),
/// starting `first` samples into the tone (so consecutive calls stay phase-continuous).
inline std::vector<int16_t> sine(double frequency, int rate, size_t count, double amplitude,
                                 size_t first = 0) {
  std::vector<int16_t> out(count);
  for (size_t i = 0; i < count; ++i)
    out[i] = static_cast<int16_t>(
        std::lround(amplitude * std::sin(2 * pi * frequency * double(first + i) / rate)));
  return out;
}

/// Root mean square of the samples.
inline double rms(const std::vector<int16_t>& s, size_t from = 0) {
  double sum = 0;
  for (size_t i = from; i < s.size(); ++i) sum += double(s[i]) * s[i];
  return s.size() > from ? std::sqrt(sum / double(s.size() - from)) : 0.0;
}

/// Share of the signal's energy at `frequency` (Goertzel over `s[from..]`): 1 for a pure tone
/// at that frequency, near 0 for anything else.
inline double tone_share(const std::vector<int16_t>& s, double frequency, int rate,
                         size_t from = 0) {
  const size_t n = s.size() - from;
  const double w = 2 * pi * frequency / rate;
  const double coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0, energy = 0;
  for (size_t i = from; i < s.size(); ++i) {
    const double x = s[i];
    const double s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // A pure sine of energy E yields a Goertzel power of E * n / 2.
  return energy > 0 ? power / (energy * double(n) / 2) : 0.0;
}

/// Number of sign changes (a 1 kHz tone crosses zero 2000 times a second).
inline size_t zero_crossings(const std::vector<int16_t>& s, size_t from = 0) {
  size_t n = 0;
  for (size_t i = from + 1; i < s.size(); ++i)
    if ((s[i - 1] < 0) != (s[i] < 0)) ++n;
  return n;
}

/// 20 * log10(a / b).
inline double db(double a, double b) {
  return 20 * std::log10(a / b);
}

/// An RTP packet with the given header fields and payload.
inline std::vector<uint8_t> rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                                const uint8_t* payload, size_t len, bool marker = false) {
  std::vector<uint8_t> p(media::rtp_fixed_header_size + len);
  media::rtp_header h;
  h.payload_type = pt;
  h.marker = marker;
  h.sequence = seq;
  h.timestamp = ts;
  h.ssrc = ssrc;
  media::write_rtp_header(p.data(), p.size(), h);
  for (size_t i = 0; i < len; ++i) p[media::rtp_fixed_header_size + i] = payload[i];
  return p;
}

inline std::vector<uint8_t> rtp(uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
                                const std::vector<uint8_t>& payload, bool marker = false) {
  return rtp(pt, seq, ts, ssrc, payload.data(), payload.size(), marker);
}

}  // namespace wrtc::test
