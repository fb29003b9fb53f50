// libsrtp2 wrapper: the only file that calls srtp_* functions.
#include "media/srtp/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <cstring>
#include <mutex>

namespace wrtc::media {

namespace {

// srtp_init() once per process; never srtp_shutdown(): sessions may outlive any one owner.
srtp_err_status_t init_library_once() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

std::string describe(srtp_err_status_t s) {
  return "libsrtp2 error " + std::to_string(static_cast<int>(s));
}

srtp_result refused(srtp_status status, srtp_err_status_t code) {
  return {status, static_cast<int>(code)};
}

srtp_result classify(srtp_err_status_t s) {
  switch (s) {
    case srtp_err_status_ok:
      return {};
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return refused(srtp_status::replayed, s);
    case srtp_err_status_auth_fail:
      return refused(srtp_status::unauthenticated, s);
    default:
      return refused(srtp_status::malformed, s);
  }
}

// The smallest packets libsrtp may look at: an RTP fixed header, an RTCP header + sender SSRC.
constexpr size_t min_rtp_length = 12;
constexpr size_t min_rtcp_length = 8;

}  // namespace

// -- constructors and destructors ---------------------------------------------

std::unique_ptr<srtp_session> srtp_session::create(srtp_profile p, direction d,
                                                   const std::vector<uint8_t>& master,
                                                   std::string& error) {
  if (auto s = init_library_once(); s != srtp_err_status_ok) {
    error = "srtp_init failed: " + describe(s);
    return nullptr;
  }
  if (master.size() != srtp_master_length(p)) {
    error = "SRTP master key||salt for " + std::string{to_string(p)} + " must be " +
            std::to_string(srtp_master_length(p)) + " bytes, got " + std::to_string(master.size());
    return nullptr;
  }
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  if (p == srtp_profile::aead_aes_128_gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  policy.ssrc.type = d == direction::outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.ssrc.value = 0;
  // libsrtp copies the key into its own session keys during srtp_create.
  std::array<unsigned char, 32> key{};
  std::memcpy(key.data(), master.data(), master.size());
  policy.key = key.data();
  policy.window_size = 1024;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  srtp_t ctx = nullptr;
  auto s = srtp_create(&ctx, &policy);
  // The copy on the stack is no longer needed; do not leave key material behind.
  std::memset(key.data(), 0, key.size());
  if (s != srtp_err_status_ok) {
    error = "srtp_create failed: " + describe(s);
    if (ctx != nullptr) {
      srtp_dealloc(ctx);
    }
    return nullptr;
  }
  return std::unique_ptr<srtp_session>{new srtp_session(p, d, ctx)};
}

srtp_session::srtp_session(srtp_profile p, direction d, srtp_ctx_t_* ctx)
    : profile_(p), direction_(d), ctx_(ctx) {
  // nop
}

srtp_session::~srtp_session() {
  srtp_dealloc(ctx_);
}

// -- packet path --------------------------------------------------------------

srtp_result srtp_session::protect_rtp(uint8_t* buf, size_t& len, size_t cap) {
  return protect(false, buf, len, cap);
}

srtp_result srtp_session::unprotect_rtp(uint8_t* buf, size_t& len) {
  return unprotect(false, buf, len);
}

srtp_result srtp_session::protect_rtcp(uint8_t* buf, size_t& len, size_t cap) {
  return protect(true, buf, len, cap);
}

srtp_result srtp_session::unprotect_rtcp(uint8_t* buf, size_t& len) {
  return unprotect(true, buf, len);
}

srtp_result srtp_session::protect(bool rtcp, uint8_t* buf, size_t& len, size_t cap) {
  // libsrtp would happily protect with an inbound stream and report an SSRC collision later.
  if (direction_ != direction::outbound) {
    return refused(srtp_status::malformed, srtp_err_status_bad_param);
  }
  auto overhead = rtcp ? srtp_rtcp_overhead(profile_) : srtp_rtp_overhead(profile_);
  if (len < (rtcp ? min_rtcp_length : min_rtp_length)) {
    return refused(srtp_status::malformed, srtp_err_status_bad_param);
  }
  // libsrtp writes the trailer past `len` without knowing the buffer size.
  if (cap < len || cap - len < overhead || len > INT_MAX - overhead) {
    return refused(srtp_status::no_room, srtp_err_status_bad_param);
  }
  int n = static_cast<int>(len);
  auto s = rtcp ? srtp_protect_rtcp(ctx_, buf, &n) : srtp_protect(ctx_, buf, &n);
  if (s == srtp_err_status_ok) {
    len = static_cast<size_t>(n);
  }
  return classify(s);
}

srtp_result srtp_session::unprotect(bool rtcp, uint8_t* buf, size_t& len) {
  if (direction_ != direction::inbound) {
    return refused(srtp_status::malformed, srtp_err_status_bad_param);
  }
  if (len < (rtcp ? min_rtcp_length : min_rtp_length) || len > INT_MAX) {
    return refused(srtp_status::malformed, srtp_err_status_bad_param);
  }
  int n = static_cast<int>(len);
  auto s = rtcp ? srtp_unprotect_rtcp(ctx_, buf, &n) : srtp_unprotect(ctx_, buf, &n);
  if (s == srtp_err_status_ok) {
    len = static_cast<size_t>(n);
  }
  return classify(s);
}

}  // namespace wrtc::media
