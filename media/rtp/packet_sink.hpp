// A non-owning reference to "what to do with each packet produced": no allocation, no virtual call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace wrtc::media {

/// Refers to a callable `void(const uint8_t* data, size_t len)` owned by the caller. Valid only
/// while that callable lives, which is why functions take it by value for the duration of one
/// call and never store it: a lambda passed as a temporary argument is fine.
class packet_sink {
 public:
  // Implicit on purpose: functions taking a packet_sink are called with a lambda.
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, packet_sink>>>
  packet_sink(F&& f)
      : target_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* target, const uint8_t* data, size_t len) {
          (*static_cast<std::remove_reference_t<F>*>(target))(data, len);
        }) {
    // nop
  }

  /// Hands one packet to the callable. The bytes are valid only during the call.
  void operator()(const uint8_t* data, size_t len) const { call_(target_, data, len); }

 private:
  // Passed by argument (the caller's callable).
  void* target_;
  void (*call_)(void*, const uint8_t*, size_t);
};

}  // namespace wrtc::media
