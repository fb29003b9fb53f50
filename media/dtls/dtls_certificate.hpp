// The process's DTLS identity: one ECDSA P-256 key, one self-signed certificate, one SSL_CTX.
#pragma once

#include <chrono>
#include <memory>
#include <string>

struct evp_pkey_st;
struct x509_st;
struct ssl_ctx_st;

namespace wrtc::media {

class dtls_transport;

/// Generated once at start and shared (read-only) by every dtls_transport on every media worker.
/// Holds the only SSL_CTX of the process: DTLS 1.2 only, ECDHE-ECDSA suites (AES-GCM first),
/// use_srtp with AEAD_AES_128_GCM then AES_CM_128_HMAC_SHA1_80, a peer certificate required and
/// accepted only when it hashes to the fingerprint the transport expects (from the remote SDP).
class dtls_certificate {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Generates the key and certificate (valid 30 days back, 1 year on) and the SSL_CTX.
  /// Returns nullptr and sets `error` on failure.
  static std::shared_ptr<const dtls_certificate> generate(std::string& error);

  ~dtls_certificate();

  dtls_certificate(const dtls_certificate&) = delete;
  dtls_certificate& operator=(const dtls_certificate&) = delete;

  // -- properties ------------------------------------------------------------

  /// "sha-256" fingerprint as SDP wants it: uppercase hex bytes separated by ':'.
  const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }

  /// The certificate (for tests and for other fingerprint algorithms).
  const x509_st* x509() const { return cert_.get(); }

 private:
  friend class dtls_transport;

  struct key_deleter {
    void operator()(evp_pkey_st* p) const;
  };
  struct x509_deleter {
    void operator()(x509_st* p) const;
  };
  struct ctx_deleter {
    void operator()(ssl_ctx_st* p) const;
  };

  dtls_certificate() = default;

  /// The shared context; SSL_new on it is thread-safe (OpenSSL reference-counts it).
  ssl_ctx_st* context() const { return ctx_.get(); }

  /// The SSL ex_data slot where a transport puts the `const dtls_fingerprint*` it expects; the
  /// context's verify callback rejects the peer unless its certificate matches it.
  static int expected_fingerprint_index();

  // Allocated by this.
  std::unique_ptr<evp_pkey_st, key_deleter> key_;
  // Allocated by this.
  std::unique_ptr<x509_st, x509_deleter> cert_;
  // Allocated by this; also holds references to key_ and cert_.
  std::unique_ptr<ssl_ctx_st, ctx_deleter> ctx_;
  std::string fingerprint_sha256_;
};

}  // namespace wrtc::media
