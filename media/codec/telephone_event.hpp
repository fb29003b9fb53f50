// RFC 4733 telephone-event payloads (DTMF): reading them and moving them between RTP clocks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wrtc::media {

/// Size of one event block: event, E|R|volume, duration.
inline constexpr size_t telephone_event_block_size = 4;

/// One event block of a telephone-event payload.
struct telephone_event {
  /// 0..9, 10 = '*', 11 = '#', 12..15 = A..D, 16 = flash (RFC 4733 §3.2).
  uint8_t event = 0;
  /// E bit: the last packets of the event carry it (sent three times).
  bool end = false;
  /// R bit: reserved, kept as received.
  bool reserved = false;
  /// Power level in -dBm0 (0..63).
  uint8_t volume = 0;
  /// Ticks of the stream's RTP clock since the event's timestamp.
  uint16_t duration = 0;
};

/// Reads the first event block; false when the payload is not 4*k bytes (k >= 1).
bool parse_telephone_event(const uint8_t* payload, size_t len, telephone_event& out);

/// Copies a telephone-event payload to `out`, converting every block's duration from the
/// `from` clock to the `to` clock (e.g. 48000 -> 8000 divides by 6). The E and R bits, volume
/// and every block of a multi-block payload (redundancy) are kept. A duration that no longer
/// fits 16 bits is clamped to 0xFFFF. Returns the bytes written, 0 when the payload is not
/// 4*k bytes (k >= 1) or `cap` is too small.
size_t rescale_telephone_event(const uint8_t* payload, size_t len, uint32_t from, uint32_t to,
                               uint8_t* out, size_t cap);

}  // namespace wrtc::media
