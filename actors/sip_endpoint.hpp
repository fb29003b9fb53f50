// The actor that owns the node's SIP stack: routes registration requests from sessions to the
// stack and the stack's events back to the session that asked.
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

/// What the endpoint drives. The real one forwards to sip::sip_stack; tests may pass their own.
class sip_registrar_port {
 public:
  virtual ~sip_registrar_port() = default;
  virtual void register_aor(sip::registration_request r) = 0;
  virtual void unregister(uint64_t id) = 0;
  virtual void cancel(uint64_t id) = 0;
};

struct sip_endpoint_state {
  // Passed by argument, shared with the node (which also owns the stack's thread).
  std::shared_ptr<sip_registrar_port> stack;
  // Passed by argument, owned by the node.
  metrics::gateway_metrics* metrics = nullptr;
  std::string proxy;
  /// registration id -> session that asked.
  std::unordered_map<uint64_t, caf::actor> owners;
  static inline const char* name = "sip_endpoint";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sip_endpoint_state& x) {
  return f(caf::meta::type_name("sip_endpoint_state"), x.proxy, x.owners);
}

/// Messages:
/// - `(sip_register_atom, registration_request)` from a session: REGISTER; the session later gets
///   `(sip_event_atom, registration_event)` for this id (registered, refused, timed_out, lost,
///   unregistered).
/// - `(sip_unregister_atom, id)`, `(sip_cancel_atom, id)`.
/// - `(sip_event_atom, registration_event)` from the stack's thread.
caf::behavior sip_endpoint(caf::stateful_actor<sip_endpoint_state>* self,
                           std::shared_ptr<sip_registrar_port> stack,
                           metrics::gateway_metrics* metrics, std::string proxy);

}  // namespace wrtc
