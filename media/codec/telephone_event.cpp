// RFC 4733 event block reading and clock conversion.
#include "media/codec/telephone_event.hpp"

#include "media/rtp/byte_order.hpp"

namespace wrtc::media {

namespace {

bool well_formed(const uint8_t* payload, size_t len) {
  return payload != nullptr && len >= telephone_event_block_size &&
         len % telephone_event_block_size == 0;
}

}  // namespace

bool parse_telephone_event(const uint8_t* payload, size_t len, telephone_event& out) {
  if (!well_formed(payload, len)) {
    return false;
  }
  out.event = payload[0];
  out.end = (payload[1] & 0x80) != 0;
  out.reserved = (payload[1] & 0x40) != 0;
  out.volume = payload[1] & 0x3f;
  out.duration = load_be16(payload + 2);
  return true;
}

size_t rescale_telephone_event(const uint8_t* payload, size_t len, uint32_t from, uint32_t to,
                               uint8_t* out, size_t cap) {
  if (!well_formed(payload, len) || out == nullptr || cap < len || from == 0) {
    return 0;
  }
  for (size_t i = 0; i < len; i += telephone_event_block_size) {
    out[i] = payload[i];
    out[i + 1] = payload[i + 1];
    const uint64_t scaled = uint64_t{load_be16(payload + i + 2)} * to / from;
    store_be16(out + i + 2, scaled > 0xffff ? uint16_t{0xffff} : static_cast<uint16_t>(scaled));
  }
  return len;
}

}  // namespace wrtc::media
