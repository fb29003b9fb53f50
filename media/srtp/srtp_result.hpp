// The outcome of one SRTP protect/unprotect: ok, or why the packet was refused.
#pragma once

#include <cstdint>
#include <string_view>

namespace wrtc::media {

/// Why a packet was refused; the packet path counts each kind separately.
enum class srtp_status : uint8_t {
  ok,
  /// Already seen, or older than the replay window (libsrtp replay_fail / replay_old).
  replayed,
  /// The authentication tag did not verify (libsrtp auth_fail): tampered or wrong keys.
  unauthenticated,
  /// Too short, bad header, or any other library failure.
  malformed,
  /// protect: the buffer has no room for the trailer (a caller bug, never the peer's).
  no_room,
};

/// Converts to false on failure; `library_code` keeps libsrtp's srtp_err_status_t for logs.
struct srtp_result {
  srtp_status status = srtp_status::ok;
  int library_code = 0;

  explicit operator bool() const { return status == srtp_status::ok; }
};

constexpr std::string_view to_string(srtp_status s) {
  switch (s) {
    case srtp_status::ok:
      return "ok";
    case srtp_status::replayed:
      return "replayed";
    case srtp_status::unauthenticated:
      return "unauthenticated";
    case srtp_status::malformed:
      return "malformed";
    case srtp_status::no_room:
      return "no_room";
  }
  return "unknown";
}

}  // namespace wrtc::media
