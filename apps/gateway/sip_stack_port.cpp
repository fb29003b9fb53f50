// SIP stack adapter.
#include "apps/gateway/sip_stack_port.hpp"

namespace wrtc::gateway {

void sip_stack_port::register_aor(sip::registration_request r) {
  if (stack_) stack_->register_aor(std::move(r));
}

void sip_stack_port::unregister(uint64_t id) {
  if (stack_) stack_->unregister(id);
}

void sip_stack_port::cancel(uint64_t id) {
  if (stack_) stack_->cancel(id);
}

}  // namespace wrtc::gateway
