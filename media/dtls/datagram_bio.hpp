// An OpenSSL BIO that carries DTLS over a datagram path we do not own (the ICE component).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct bio_st;
struct bio_method_st;

namespace wrtc::media {

/// Why not a pair of memory BIOs: a memory BIO concatenates everything OpenSSL writes, so the
/// datagram boundaries of a flight are lost and a whole flight (≈ 1.3 KiB with our certificate)
/// would leave as one oversized datagram. OpenSSL's DTLS writer already knows how to pack records
/// into datagrams when the BIO tells it how full the current datagram is (BIO_CTRL_WPENDING) and
/// closes it on BIO_flush (at every flight's end and whenever the next record would exceed the
/// MTU). This BIO implements exactly that contract, plus one whole datagram per read, so each
/// datagram we hand to ICE is at most `mtu` bytes and holds whole records.
///
/// Incoming datagrams are not copied here: the transport offers the caller's buffer for the
/// duration of one SSL call. Outgoing datagrams are queued and drained by the transport after the
/// SSL call returns, so its listener is never called from inside OpenSSL.
class datagram_bio {
 public:
  /// `mtu`: the largest datagram (DTLS records with their headers) to send.
  explicit datagram_bio(size_t mtu);

  /// Does not free the BIO: the SSL that it was handed to owns it.
  ~datagram_bio() = default;

  datagram_bio(const datagram_bio&) = delete;
  datagram_bio& operator=(const datagram_bio&) = delete;

  /// Creates the BIO that reads from and writes to this object; nullptr on allocation failure.
  /// The caller gives it to SSL_set_bio (which then owns it); this object must outlive it.
  bio_st* make_bio();

  /// Offers one received datagram to the next BIO read; not copied, so the caller keeps it alive
  /// until clear_incoming().
  void set_incoming(const uint8_t* data, size_t len) {
    in_ = data;
    in_len_ = len;
  }

  /// Forgets an incoming datagram OpenSSL did not read.
  void clear_incoming() { set_incoming(nullptr, 0); }

  /// Calls `send(data, len)` for every datagram written since the last drain, then forgets them.
  template <class F>
  void drain(F&& send) {
    size_t begin = 0;
    for (auto end : ends_) {
      send(out_.data() + begin, end - begin);
      begin = end;
    }
    out_.clear();
    ends_.clear();
    open_ = false;
  }

  /// Frees the outgoing queue's memory (call when drained and idle); it regrows on demand.
  void release_memory() {
    std::vector<uint8_t>{}.swap(out_);
    std::vector<size_t>{}.swap(ends_);
    open_ = false;
  }

  /// Datagrams written and not drained yet (for tests and assertions).
  size_t queued() const { return ends_.size(); }

 private:
  // The process-wide method table, created on first use (thread-safe static).
  static bio_method_st* method();
  static int on_write(bio_st* b, const char* data, int len);
  static int on_read(bio_st* b, char* out, int len);
  static long on_ctrl(bio_st* b, int cmd, long num, void* ptr);

  void write(const uint8_t* data, size_t len);
  size_t open_datagram_size() const;

  // Set at construction.
  size_t mtu_;
  // Passed by set_incoming; owned by the caller of the SSL call in progress.
  const uint8_t* in_ = nullptr;
  size_t in_len_ = 0;
  // Allocated by this: the queued datagrams back to back, and where each one ends. Capacity is
  // kept across drains during the handshake and released once it is over.
  std::vector<uint8_t> out_;
  std::vector<size_t> ends_;
  // Whether the last datagram in out_ may still take records (no flush since).
  bool open_ = false;
};

}  // namespace wrtc::media
