// The datagram BIO: the only file that implements an OpenSSL BIO_METHOD.
#include "media/dtls/datagram_bio.hpp"

#include <openssl/bio.h>

#include <algorithm>
#include <cstring>

namespace wrtc::media {

namespace {

int on_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

int on_destroy(BIO* b) {
  BIO_set_data(b, nullptr);
  return 1;
}

}  // namespace

// One method table per process, never freed: transports on every worker share it for the life
// of the process.
bio_method_st* datagram_bio::method() {
  static BIO_METHOD* const m = [] {
    int type = BIO_get_new_index();
    BIO_METHOD* made =
        type < 0 ? nullptr : BIO_meth_new(type | BIO_TYPE_SOURCE_SINK, "wrtc datagram");
    if (made != nullptr) {
      BIO_meth_set_create(made, on_create);
      BIO_meth_set_destroy(made, on_destroy);
      BIO_meth_set_write(made, on_write);
      BIO_meth_set_read(made, on_read);
      BIO_meth_set_ctrl(made, on_ctrl);
    }
    return made;
  }();
  return m;
}

datagram_bio::datagram_bio(size_t mtu) : mtu_(mtu) {
  // nop
}

bio_st* datagram_bio::make_bio() {
  BIO_METHOD* m = method();
  if (m == nullptr) {
    return nullptr;
  }
  BIO* b = BIO_new(m);
  if (b != nullptr) {
    BIO_set_data(b, this);
  }
  return b;
}

size_t datagram_bio::open_datagram_size() const {
  if (!open_ || ends_.empty()) {
    return 0;
  }
  return ends_.back() - (ends_.size() > 1 ? ends_[ends_.size() - 2] : 0);
}

void datagram_bio::write(const uint8_t* data, size_t len) {
  // OpenSSL flushes before a record that would overflow the MTU; this is the safety net for
  // writes that do not check (application data, alerts right after a flight).
  if (open_ && open_datagram_size() + len > mtu_) {
    open_ = false;
  }
  out_.insert(out_.end(), data, data + len);
  if (open_) {
    ends_.back() = out_.size();
  } else {
    ends_.push_back(out_.size());
  }
  open_ = true;
}

int datagram_bio::on_write(bio_st* b, const char* data, int len) {
  auto* self = static_cast<datagram_bio*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  if (self == nullptr || data == nullptr || len < 0) {
    return -1;
  }
  self->write(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(len));
  return len;
}

int datagram_bio::on_read(bio_st* b, char* out, int len) {
  auto* self = static_cast<datagram_bio*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  if (self == nullptr || out == nullptr || len < 0) {
    return -1;
  }
  if (self->in_ == nullptr) {
    BIO_set_retry_read(b);
    return -1;
  }
  // Datagram semantics: one read takes one whole datagram, and what does not fit is lost.
  auto n = std::min(self->in_len_, static_cast<size_t>(len));
  std::memcpy(out, self->in_, n);
  self->clear_incoming();
  return static_cast<int>(n);
}

long datagram_bio::on_ctrl(bio_st* b, int cmd, long /*num*/, void* /*ptr*/) {
  auto* self = static_cast<datagram_bio*>(BIO_get_data(b));
  if (self == nullptr) {
    return 0;
  }
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      // Ends the datagram: the next record starts a new one.
      self->open_ = false;
      return 1;
    case BIO_CTRL_WPENDING:
      // How full the current datagram is: OpenSSL sizes its next fragment by mtu - this.
      return static_cast<long>(self->open_datagram_size());
    case BIO_CTRL_PENDING:
      return static_cast<long>(self->in_len_);
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return static_cast<long>(self->mtu_);
    default:
      // BIO_CTRL_DGRAM_GET_MTU_OVERHEAD is 0: our MTU counts DTLS bytes only (ICE/TURN/UDP/IP
      // overhead is below us). Socket-level controls (peer address, receive timeout, DF bit)
      // mean nothing here.
      return 0;
  }
}

}  // namespace wrtc::media
