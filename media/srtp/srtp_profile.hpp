// The SRTP protection profiles DTLS-SRTP may negotiate (RFC 5764, RFC 7714) and their key sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace wrtc::media {

/// What DTLS-SRTP negotiated; AEAD_AES_128_GCM is preferred (cheaper and stronger).
enum class srtp_profile : uint8_t { aead_aes_128_gcm, aes_cm_128_hmac_sha1_80 };

/// Master keys exported from a DTLS handshake, each `key || salt` for the negotiated profile.
struct srtp_keys {
  srtp_profile profile = srtp_profile::aead_aes_128_gcm;
  /// For what WE send (our outbound srtp_session).
  std::vector<uint8_t> local_master;
  /// For what we receive (our inbound srtp_session).
  std::vector<uint8_t> remote_master;
};

/// Master key length in bytes (16 for both profiles).
constexpr size_t srtp_master_key_length(srtp_profile) {
  return 16;
}

/// Master salt length in bytes: GCM 12 (RFC 7714), CM 14 (RFC 3711).
constexpr size_t srtp_master_salt_length(srtp_profile p) {
  return p == srtp_profile::aead_aes_128_gcm ? 12 : 14;
}

/// Length of `key || salt`.
constexpr size_t srtp_master_length(srtp_profile p) {
  return srtp_master_key_length(p) + srtp_master_salt_length(p);
}

/// Bytes srtp_session::protect_rtp appends: the authentication tag (GCM 16, CM 10).
constexpr size_t srtp_rtp_overhead(srtp_profile p) {
  return p == srtp_profile::aead_aes_128_gcm ? 16 : 10;
}

/// Bytes srtp_session::protect_rtcp appends: the E flag + SRTCP index (4) and the tag.
constexpr size_t srtp_rtcp_overhead(srtp_profile p) {
  return 4 + srtp_rtp_overhead(p);
}

/// The largest overhead of any profile: size packet buffers with at least this much headroom.
constexpr size_t srtp_max_overhead = 20;

/// The name used in the DTLS use_srtp extension (RFC 5764 / RFC 7714), e.g. for logs.
constexpr std::string_view to_string(srtp_profile p) {
  return p == srtp_profile::aead_aes_128_gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

}  // namespace wrtc::media
