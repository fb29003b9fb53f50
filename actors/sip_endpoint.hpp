// The actor that owns the node's SIP stack: routes registration and call commands from sessions
// and call legs to the stack, and the stack's events back to the actor each one belongs to.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "protocols/metrics/gateway_metrics.hpp"

namespace wrtc {

/// What the endpoint drives. The real one forwards to sip::sip_stack (thread-safe commands);
/// unit tests pass their own.
class sip_port {
 public:
  virtual ~sip_port() = default;
  // -- registrations ----------------------------------------------------------
  virtual void register_aor(sip::registration_request r) = 0;
  virtual void unregister(uint64_t id) = 0;
  virtual void cancel(uint64_t id) = 0;
  // -- calls ------------------------------------------------------------------
  virtual void invite(sip::outgoing_call c) = 0;
  virtual void answer(uint64_t call_id, std::string sdp) = 0;
  virtual void respond(uint64_t call_id, int status, std::string phrase) = 0;
  virtual void hangup(uint64_t call_id) = 0;
  virtual void answer_reinvite(uint64_t call_id, std::string sdp) = 0;
  virtual void respond_reinvite(uint64_t call_id, int status, std::string phrase) = 0;
};

struct sip_endpoint_state {
  // Passed by argument, shared with the node (which also owns the stack's thread).
  std::shared_ptr<sip_port> stack;
  // Passed by argument, owned by the node.
  metrics::gateway_metrics* metrics = nullptr;
  std::string proxy;
  /// registration id -> session that asked.
  std::unordered_map<uint64_t, caf::actor> owners;
  /// "<user>@<domain>" of each registration -> its id: routes INVITEs whose Request-URI lost our
  /// `;wrtc-reg=` parameter (a proxy that rewrites URIs) by the To header instead.
  std::unordered_map<std::string, uint64_t> by_aor;
  /// call id -> actor that receives its events (the call leg for outgoing calls, the agent
  /// session for incoming ones, which forwards to its leg).
  std::unordered_map<uint64_t, caf::actor> calls;
  static inline const char* name = "sip_endpoint";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sip_endpoint_state& x) {
  return f(caf::meta::type_name("sip_endpoint_state"), x.proxy, x.owners, x.by_aor, x.calls);
}

/// Messages:
/// - `(sip_register_atom, registration_request)` from a session: REGISTER; the session later gets
///   `(sip_event_atom, registration_event)` for this id.
/// - `(sip_unregister_atom, id)`, `(sip_cancel_atom, id)`.
/// - `(sip_event_atom, registration_event)` from the stack's thread.
/// - `(sip_invite_atom, outgoing_call)` from a call leg, which then gets `(sip_call_atom, call_event)`.
/// - `(sip_answer_atom, call_id, sdp)`, `(sip_respond_atom, call_id, status, phrase)`,
///   `(sip_hangup_atom, call_id)`, `(sip_reinvite_atom, call_id, sdp)` (answer a re-INVITE;
///   an empty sdp rejects it with 488).
/// - `(sip_call_atom, call_event)` from the stack's thread: incoming INVITEs go to the session
///   whose registration id the Request-URI carries, else to the registration of the To header's
///   user@domain (480 when neither is signed in); later events go to the owner.
caf::behavior sip_endpoint(caf::stateful_actor<sip_endpoint_state>* self,
                           std::shared_ptr<sip_port> stack, metrics::gateway_metrics* metrics,
                           std::string proxy);

}  // namespace wrtc
