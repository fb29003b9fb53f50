// One libsrtp2 session for one direction of one call: protect or unprotect RTP and RTCP in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/srtp/srtp_profile.hpp"
#include "media/srtp/srtp_result.hpp"

struct srtp_ctx_t_;

namespace wrtc::media {

/// Wraps one `srtp_t` (the only file that calls libsrtp2). Covers every SSRC of its direction
/// (ssrc_any_outbound / ssrc_any_inbound), replay window 1024, no repeated transmissions.
/// Not thread-safe: lives on the media worker of its call. No allocation per packet; libsrtp
/// allocates once per new SSRC (inbound only after the packet authenticated).
class srtp_session {
 public:
  enum class direction { outbound, inbound };

  // -- constructors and destructors ------------------------------------------

  /// Initialises libsrtp2 once per process (thread-safe) and creates the session.
  /// `master` is `key || salt` for `p`; returns nullptr and sets `error` on failure.
  static std::unique_ptr<srtp_session> create(srtp_profile p, direction d,
                                              const std::vector<uint8_t>& master,
                                              std::string& error);

  ~srtp_session();

  srtp_session(const srtp_session&) = delete;
  srtp_session& operator=(const srtp_session&) = delete;

  // -- packet path -----------------------------------------------------------

  /// Encrypts and authenticates the RTP packet `buf[0..len)` in place; on success `len` grows by
  /// srtp_rtp_overhead(profile()). Needs `cap >= len + srtp_rtp_overhead(profile())`.
  srtp_result protect_rtp(uint8_t* buf, size_t& len, size_t cap);

  /// Verifies and decrypts in place; on success `len` is the plain RTP length.
  srtp_result unprotect_rtp(uint8_t* buf, size_t& len);

  /// As protect_rtp for RTCP; needs `cap >= len + srtp_rtcp_overhead(profile())`.
  srtp_result protect_rtcp(uint8_t* buf, size_t& len, size_t cap);

  /// As unprotect_rtp for SRTCP.
  srtp_result unprotect_rtcp(uint8_t* buf, size_t& len);

  // -- properties ------------------------------------------------------------

  srtp_profile profile() const { return profile_; }
  direction dir() const { return direction_; }

 private:
  srtp_session(srtp_profile p, direction d, srtp_ctx_t_* ctx);

  srtp_result protect(bool rtcp, uint8_t* buf, size_t& len, size_t cap);
  srtp_result unprotect(bool rtcp, uint8_t* buf, size_t& len);

  // Set at creation.
  srtp_profile profile_;
  direction direction_;
  // Allocated by this (srtp_create), freed by srtp_dealloc in the destructor.
  srtp_ctx_t_* ctx_;
};

}  // namespace wrtc::media
