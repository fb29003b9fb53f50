// SIP endpoint actor.
#include "actors/sip_endpoint.hpp"

namespace wrtc {

caf::behavior sip_endpoint(caf::stateful_actor<sip_endpoint_state>* self,
                           std::shared_ptr<sip_registrar_port> stack,
                           metrics::gateway_metrics* metrics, std::string proxy) {
  self->state.stack = std::move(stack);
  self->state.metrics = metrics;
  self->state.proxy = std::move(proxy);
  return {
    [=](sip_register_atom, sip::registration_request& r) {
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      if (!sender) return;
      self->state.owners[r.id] = sender;
      self->state.stack->register_aor(std::move(r));
    },
    [=](sip_unregister_atom, uint64_t id) { self->state.stack->unregister(id); },
    [=](sip_cancel_atom, uint64_t id) {
      self->state.owners.erase(id);
      self->state.stack->cancel(id);
    },
    [=](sip_event_atom, sip::registration_event& ev) {
      auto& st = self->state;
      auto i = st.owners.find(ev.id);
      if (i == st.owners.end()) return;
      auto owner = i->second;
      using sip::registration_outcome;
      if (ev.outcome == registration_outcome::timed_out && st.metrics != nullptr)
        st.metrics->sip_timeouts(st.proxy).Increment();
      if (ev.outcome != registration_outcome::registered) st.owners.erase(i);
      self->send(owner, sip_event_atom::value, std::move(ev));
    },
  };
}

}  // namespace wrtc
