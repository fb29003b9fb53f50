// Adapter from the SIP endpoint actor to the node's sofia-sip stack.
#pragma once

#include <memory>

#include "actors/sip_endpoint.hpp"
#include "protocols/sip/sip_stack.hpp"

namespace wrtc::gateway {

/// Forwards commands to the stack (which queues them to its own thread).
class sip_stack_port : public sip_port {
 public:
  /// Set once at start-up, before any command can arrive.
  void attach(std::unique_ptr<sip::sip_stack> stack) { stack_ = std::move(stack); }

  /// Stops the stack's thread.
  void detach() { stack_.reset(); }

  sip::sip_stack* stack() const { return stack_.get(); }

  void register_aor(sip::registration_request r) override;
  void unregister(uint64_t id) override;
  void cancel(uint64_t id) override;
  void invite(sip::outgoing_call c) override;
  void answer(uint64_t call_id, std::string sdp) override;
  void respond(uint64_t call_id, int status, std::string phrase) override;
  void hangup(uint64_t call_id) override;
  void answer_reinvite(uint64_t call_id, std::string sdp) override;
  void respond_reinvite(uint64_t call_id, int status, std::string phrase) override;

 private:
  // Allocated by the node, owned by this.
  std::unique_ptr<sip::sip_stack> stack_;
};

}  // namespace wrtc::gateway
