// RFC 7983 demultiplexing of one ICE component by the first byte of a datagram.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wrtc::media {

/// DTLS records start with a content type in 20..63 (RFC 7983 §7); STUN is 0..3, RTP/RTCP
/// 128..191. The smallest DTLS record is its 13-byte header, so anything shorter is not DTLS.
inline bool looks_like_dtls(const uint8_t* data, size_t len) {
  return data != nullptr && len >= 13 && data[0] >= 20 && data[0] <= 63;
}

}  // namespace wrtc::media
