// The DTLS-SRTP handshake on one SSL object: the only file that drives an SSL connection.
#include "media/dtls/dtls_transport.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/time.h>

#include <algorithm>
#include <utility>

namespace wrtc::media {

namespace {

constexpr char exporter_label[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2

// The largest key||salt of any profile, twice (client and server).
constexpr size_t max_keying_material = size_t{2} * 30;

std::string last_openssl_error() {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return {};
  }
  if (const char* reason = ERR_reason_error_string(code); reason != nullptr) {
    return reason;
  }
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

std::string profile_list(const std::vector<srtp_profile>& profiles) {
  std::string out;
  for (auto p : profiles) {
    if (!out.empty()) {
      out += ':';
    }
    out += to_string(p);
  }
  return out;
}

std::optional<srtp_profile> from_openssl(const SRTP_PROTECTION_PROFILE* p) {
  if (p == nullptr) {
    return std::nullopt;
  }
  switch (p->id) {
    case SRTP_AEAD_AES_128_GCM:
      return srtp_profile::aead_aes_128_gcm;
    case SRTP_AES128_CM_SHA1_80:
      return srtp_profile::aes_cm_128_hmac_sha1_80;
    default:
      return std::nullopt;
  }
}

}  // namespace

// -- constructors and destructors ---------------------------------------------

void dtls_transport::ssl_deleter::operator()(ssl_st* p) const {
  SSL_free(p);
}

dtls_transport::dtls_transport(std::shared_ptr<const dtls_certificate> cert, listener& l,
                               dtls_transport_options opts)
    : cert_(std::move(cert)), listener_(l), options_(std::move(opts)), bio_(options_.mtu) {
  ERR_clear_error();
  if (!cert_ || cert_->context() == nullptr) {
    setup_error_ = "no DTLS certificate";
    return;
  }
  if (options_.srtp_profiles.empty()) {
    setup_error_ = "no SRTP profile to offer";
    return;
  }
  ssl_.reset(SSL_new(cert_->context()));
  if (!ssl_) {
    setup_error_ = "SSL_new failed: " + last_openssl_error();
    return;
  }
  auto* ssl = ssl_.get();
  BIO* bio = bio_.make_bio();
  if (bio == nullptr) {
    setup_error_ = "cannot create the datagram BIO";
    return;
  }
  // One BIO for both directions: SSL_set_bio takes the single reference.
  SSL_set_bio(ssl, bio, bio);
  SSL_set_app_data(ssl, this);
  DTLS_set_timer_cb(ssl, retransmission_timeout_us);
  // Returns the MTU it set, or 0 when below DTLS's minimum.
  if (SSL_set_mtu(ssl, static_cast<long>(options_.mtu)) <= 0) {
    setup_error_ = "DTLS MTU " + std::to_string(options_.mtu) + " is too small";
    return;
  }
  // Returns 0 on success.
  if (SSL_set_tlsext_use_srtp(ssl, profile_list(options_.srtp_profiles).c_str()) != 0) {
    setup_error_ = "cannot set the SRTP profiles: " + last_openssl_error();
    return;
  }
}

dtls_transport::~dtls_transport() = default;

// -- driving the handshake ----------------------------------------------------

void dtls_transport::start(dtls_role role, std::string fingerprint_algorithm,
                           std::string fingerprint_value) {
  if (state_ != state::idle) {
    return;
  }
  role_ = role;
  if (!setup_error_.empty()) {
    fail(setup_error_);
    flush_and_report();
    return;
  }
  std::string error;
  expected_ = dtls_fingerprint::parse(fingerprint_algorithm, fingerprint_value, error);
  if (!expected_) {
    fail("bad remote fingerprint: " + error);
    flush_and_report();
    return;
  }
  auto* ssl = ssl_.get();
  // The context's verify callback compares the peer's certificate with this.
  SSL_set_ex_data(ssl, dtls_certificate::expected_fingerprint_index(), &*expected_);
  if (role == dtls_role::client) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
  state_ = state::handshaking;
  deadline_ = std::chrono::steady_clock::now() + options_.handshake_timeout;
  if (role == dtls_role::client) {
    continue_handshake();
  }
  flush_and_report();
}

void dtls_transport::on_datagram(const uint8_t* data, size_t len) {
  if (!looks_like_dtls(data, len) || (state_ != state::handshaking && state_ != state::connected)) {
    ++dropped_datagrams_;
    return;
  }
  bio_.set_incoming(data, len);
  if (state_ == state::handshaking) {
    continue_handshake();
  } else {
    read_records();
  }
  bio_.clear_incoming();
  flush_and_report();
}

int64_t dtls_transport::timer_ms() const {
  if (state_ != state::handshaking) {
    return -1;
  }
  using namespace std::chrono;
  auto left = ceil<milliseconds>(deadline_ - steady_clock::now()).count();
  left = std::max<int64_t>(left, 0);
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_.get(), &tv) == 1) {
    int64_t retransmit = static_cast<int64_t>(tv.tv_sec) * 1000 + (tv.tv_usec + 999) / 1000;
    left = std::min(left, retransmit);
  }
  return left;
}

void dtls_transport::on_timer() {
  if (state_ != state::handshaking) {
    return;
  }
  if (std::chrono::steady_clock::now() >= deadline_) {
    fail("handshake timeout");
  } else {
    ERR_clear_error();
    // 1: retransmitted, 0: not expired yet, -1: OpenSSL gave up (too many retransmissions).
    if (DTLSv1_handle_timeout(ssl_.get()) < 0) {
      fail("handshake failed: " + last_openssl_error());
    }
  }
  flush_and_report();
}

void dtls_transport::close() {
  if (state_ == state::handshaking || state_ == state::connected) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  if (state_ != state::failed) {
    state_ = state::closed;
  }
  // Sends the close_notify; a pending report is moot once the owner closed.
  pending_ = event::none;
  flush_and_report();
}

// -- internals ----------------------------------------------------------------

unsigned int dtls_transport::retransmission_timeout_us(ssl_st* ssl, unsigned int previous_us) {
  auto* self = static_cast<dtls_transport*>(SSL_get_app_data(ssl));
  using std::chrono::microseconds;
  // OpenSSL treats a timer with less than 15 ms left as expired (and retransmits at once).
  constexpr int64_t floor_us = 30000;
  auto initial = std::max(floor_us, microseconds{self->options_.initial_retransmission}.count());
  auto maximum = std::max(initial, microseconds{self->options_.max_retransmission}.count());
  if (previous_us == 0) {
    return static_cast<unsigned int>(initial);
  }
  return static_cast<unsigned int>(std::min<int64_t>(int64_t{previous_us} * 2, maximum));
}

void dtls_transport::continue_handshake() {
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl_.get());
  if (ret == 1) {
    handshake_done();
    return;
  }
  switch (SSL_get_error(ssl_.get(), ret)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return;
    default:
      fail(ssl_failure(ret, "handshake failed"));
  }
}

void dtls_transport::handshake_done() {
  auto* ssl = ssl_.get();
  // The verify callback already insisted on the fingerprint; this makes "connected" depend on it
  // locally too, should a future OpenSSL skip the callback (e.g. on resumption).
  const X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || !expected_->matches(peer)) {
    fail("fingerprint mismatch");
    return;
  }
  auto profile = from_openssl(SSL_get_selected_srtp_profile(ssl));
  if (!profile) {
    fail("no SRTP profile negotiated");
    return;
  }
  // RFC 5764 §4.2: client key, server key, client salt, server salt.
  const size_t key = srtp_master_key_length(*profile);
  const size_t salt = srtp_master_salt_length(*profile);
  uint8_t material[max_keying_material];
  const size_t total = 2 * (key + salt);
  if (SSL_export_keying_material(ssl, material, total, exporter_label, sizeof(exporter_label) - 1,
                                 nullptr, 0, 0) != 1) {
    OPENSSL_cleanse(material, sizeof(material));
    fail("SRTP keying material export failed: " + last_openssl_error());
    return;
  }
  const uint8_t* client_key = material;
  const uint8_t* server_key = material + key;
  const uint8_t* client_salt = material + 2 * key;
  const uint8_t* server_salt = material + 2 * key + salt;
  auto master = [&](const uint8_t* k, const uint8_t* s) {
    std::vector<uint8_t> out(k, k + key);
    out.insert(out.end(), s, s + salt);
    return out;
  };
  bool we_are_client = role_ == dtls_role::client;
  pending_keys_.profile = *profile;
  pending_keys_.local_master =
      we_are_client ? master(client_key, client_salt) : master(server_key, server_salt);
  pending_keys_.remote_master =
      we_are_client ? master(server_key, server_salt) : master(client_key, client_salt);
  OPENSSL_cleanse(material, sizeof(material));
  state_ = state::connected;
  pending_ = event::connected;
}

void dtls_transport::release_idle_memory() {
  // Once SRTP runs, DTLS is idle for the rest of the call. OpenSSL keeps its 16 KiB read and
  // write buffers (≈ 33 KiB of the ≈ 69 KiB a connected transport holds) and offers only
  // SSL_free_buffers to drop them, which for DTLS in OpenSSL 3.0 leaves the next SSL_shutdown
  // writing through a null buffer (segfault, seen in this suite): so only our own queue goes.
  bio_.release_memory();
}

void dtls_transport::read_records() {
  // Nothing but handshake retransmissions, alerts and (ignored) application data come here.
  uint8_t scratch[2048];
  for (;;) {
    ERR_clear_error();
    int ret = SSL_read(ssl_.get(), scratch, sizeof(scratch));
    if (ret > 0) {
      ++ignored_records_;
      continue;
    }
    switch (SSL_get_error(ssl_.get(), ret)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return;
      case SSL_ERROR_ZERO_RETURN:
        // The peer's close_notify: answer with ours, as TLS asks, and stop.
        SSL_shutdown(ssl_.get());
        ERR_clear_error();
        state_ = state::closed;
        pending_ = event::closed;
        return;
      default:
        fail(ssl_failure(ret, "DTLS failed"));
        return;
    }
  }
}

std::string dtls_transport::ssl_failure(int ret, const char* what) {
  auto* ssl = ssl_.get();
  if (SSL_get_verify_result(ssl) == X509_V_ERR_APPLICATION_VERIFICATION) {
    ERR_clear_error();
    return "fingerprint mismatch";
  }
  if (SSL_get_error(ssl, ret) == SSL_ERROR_ZERO_RETURN) {
    ERR_clear_error();
    return std::string{what} + ": peer closed";
  }
  auto detail = last_openssl_error();
  return std::string{what} + ": " + (detail.empty() ? "unknown error" : detail);
}

void dtls_transport::fail(std::string reason) {
  if (state_ == state::failed || state_ == state::closed) {
    return;
  }
  state_ = state::failed;
  pending_ = event::failed;
  pending_reason_ = std::move(reason);
  for (auto* v : {&pending_keys_.local_master, &pending_keys_.remote_master}) {
    OPENSSL_cleanse(v->data(), v->size());
    v->clear();
  }
}

void dtls_transport::flush_and_report() {
  bio_.drain([this](const uint8_t* data, size_t len) { listener_.dtls_send(data, len); });
  if (state_ == state::connected) {
    release_idle_memory();
  }
  auto ev = std::exchange(pending_, event::none);
  // From here on only locals: the listener may destroy this transport.
  listener& l = listener_;
  switch (ev) {
    case event::none:
      return;
    case event::connected: {
      srtp_keys keys = std::move(pending_keys_);
      pending_keys_ = {};
      l.dtls_connected(keys);
      OPENSSL_cleanse(keys.local_master.data(), keys.local_master.size());
      OPENSSL_cleanse(keys.remote_master.data(), keys.remote_master.size());
      return;
    }
    case event::failed: {
      std::string reason = std::move(pending_reason_);
      l.dtls_failed(reason);
      return;
    }
    case event::closed:
      l.dtls_closed();
      return;
  }
}

}  // namespace wrtc::media
