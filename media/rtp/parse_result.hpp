// The outcome of parsing untrusted bytes: a value, or the reason the input was refused.
#pragma once

namespace wrtc::media {

/// Holds a parsed `T` (a cheap view) or an `Error` other than `Error::none`. Converts to false on
/// failure so that `if (auto p = rtp_packet::parse(...))` reads naturally.
template <class T, class Error>
class parse_result {
 public:
  // -- constructors ----------------------------------------------------------

  // Implicit on purpose: `return packet;` and `return error;` both read naturally.
  parse_result(const T& value) : value_(value), error_(Error::none) {
    // nop
  }

  parse_result(Error error) : error_(error) {
    // nop
  }

  // -- observers -------------------------------------------------------------

  explicit operator bool() const { return error_ == Error::none; }

  /// Why parsing failed; `Error::none` on success.
  Error error() const { return error_; }

  /// The parsed value; only meaningful when the result converts to true.
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

 private:
  // Owned by this (a view: it points into the caller's buffer).
  T value_{};
  Error error_;
};

}  // namespace wrtc::media
