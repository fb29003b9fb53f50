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

void sip_stack_port::invite(sip::outgoing_call c) {
  if (stack_) stack_->invite(std::move(c));
}

void sip_stack_port::answer(uint64_t call_id, std::string sdp) {
  if (stack_) stack_->answer(call_id, std::move(sdp));
}

void sip_stack_port::respond(uint64_t call_id, int status, std::string phrase) {
  if (stack_) stack_->respond(call_id, status, std::move(phrase));
}

void sip_stack_port::hangup(uint64_t call_id) {
  if (stack_) stack_->hangup(call_id);
}

void sip_stack_port::answer_reinvite(uint64_t call_id, std::string sdp) {
  if (stack_) stack_->answer_reinvite(call_id, std::move(sdp));
}

void sip_stack_port::respond_reinvite(uint64_t call_id, int status, std::string phrase) {
  if (stack_) stack_->respond_reinvite(call_id, status, std::move(phrase));
}

}  // namespace wrtc::gateway
