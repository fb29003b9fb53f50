// Key, self-signed certificate and SSL_CTX generation: the only file that builds an SSL_CTX.
#include "media/dtls/dtls_certificate.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdint>
#include <mutex>

#include "media/dtls/dtls_fingerprint.hpp"

namespace wrtc::media {

namespace {

// Browsers offer these for an ECDSA certificate; GCM first, CBC only for old peers.
constexpr const char* cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA";

constexpr const char* srtp_profiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

constexpr long seconds_per_day = 24L * 60 * 60;

int fingerprint_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string openssl_error(const char* what) {
  std::string out = what;
  if (auto code = ERR_get_error(); code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

// WebRTC peers present self-signed certificates: the chain proves nothing, the certificate's
// hash in the signalled SDP is the identity. So every chain error is ignored, and the leaf must
// match the fingerprint its transport put in the SSL's ex_data.
int verify_against_sdp_fingerprint(int /*preverify_ok*/, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const X509* leaf = X509_STORE_CTX_get0_cert(store);
  const auto* expected =
      ssl == nullptr
          ? nullptr
          : static_cast<const dtls_fingerprint*>(SSL_get_ex_data(ssl, fingerprint_index()));
  if (expected == nullptr || leaf == nullptr || !expected->matches(leaf)) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  X509_STORE_CTX_set_error(store, X509_V_OK);
  return 1;
}

}  // namespace

int dtls_certificate::expected_fingerprint_index() {
  return fingerprint_index();
}

void dtls_certificate::key_deleter::operator()(evp_pkey_st* p) const {
  EVP_PKEY_free(p);
}

void dtls_certificate::x509_deleter::operator()(x509_st* p) const {
  X509_free(p);
}

void dtls_certificate::ctx_deleter::operator()(ssl_ctx_st* p) const {
  SSL_CTX_free(p);
}

dtls_certificate::~dtls_certificate() = default;

std::shared_ptr<const dtls_certificate> dtls_certificate::generate(std::string& error) {
  ERR_clear_error();
  std::shared_ptr<dtls_certificate> self{new dtls_certificate()};
  // -- key ---------------------------------------------------------------------
  self->key_.reset(EVP_EC_gen("P-256"));
  if (!self->key_) {
    error = openssl_error("ECDSA P-256 key generation failed");
    return nullptr;
  }
  // -- self-signed certificate ---------------------------------------------------
  self->cert_.reset(X509_new());
  auto* x = self->cert_.get();
  if (x == nullptr) {
    error = openssl_error("X509_new failed");
    return nullptr;
  }
  uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial)) != 1) {
    error = openssl_error("RAND_bytes failed");
    return nullptr;
  }
  serial &= 0x7fffffffffffffffULL;  // a positive INTEGER
  X509_NAME* name = X509_get_subject_name(x);
  bool ok =
      X509_set_version(x, X509_VERSION_3) == 1 &&
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(x), -30 * seconds_per_day) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(x), 365 * seconds_per_day) != nullptr &&
      X509_set_pubkey(x, self->key_.get()) == 1 && name != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("wrtc"), -1, -1, 0) == 1 &&
      X509_set_issuer_name(x, name) == 1 && X509_sign(x, self->key_.get(), EVP_sha256()) > 0;
  if (!ok) {
    error = openssl_error("self-signed certificate generation failed");
    return nullptr;
  }
  auto fp = dtls_fingerprint::of(x, dtls_fingerprint::hash::sha256);
  if (!fp) {
    error = openssl_error("certificate fingerprint failed");
    return nullptr;
  }
  self->fingerprint_sha256_ = fp->to_sdp();
  // -- the process's SSL_CTX ------------------------------------------------------
  self->ctx_.reset(SSL_CTX_new(DTLS_method()));
  auto* ctx = self->ctx_.get();
  if (ctx == nullptr) {
    error = openssl_error("SSL_CTX_new(DTLS_method) failed");
    return nullptr;
  }
  ok = SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
       SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1;
  if (!ok) {
    error = openssl_error("cannot restrict the context to DTLS 1.2");
    return nullptr;
  }
  if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, self->key_.get()) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    error = openssl_error("cannot install the DTLS certificate");
    return nullptr;
  }
  if (SSL_CTX_set_cipher_list(ctx, cipher_list) != 1 ||
      SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
    error = openssl_error("cannot set DTLS cipher suites");
    return nullptr;
  }
  // Returns 0 on success, unlike nearly everything else in OpenSSL.
  if (SSL_CTX_set_tlsext_use_srtp(ctx, srtp_profiles) != 0) {
    error = openssl_error("cannot set the DTLS-SRTP profiles");
    return nullptr;
  }
  // No resumption (every call is a fresh handshake with a fresh identity check), no
  // renegotiation, server picks the cipher, and the MTU comes from us, not from a socket.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     verify_against_sdp_fingerprint);
  // The index must exist before the first transport asks for it from a worker thread.
  if (expected_fingerprint_index() < 0) {
    error = openssl_error("SSL_get_ex_new_index failed");
    return nullptr;
  }
  return self;
}

}  // namespace wrtc::media
