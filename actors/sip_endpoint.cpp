// SIP endpoint actor.
#include "actors/sip_endpoint.hpp"

#include <cctype>
#include <string_view>

#include "protocols/log/json_logger.hpp"

namespace wrtc {

namespace {

/// "user@host" of a SIP URI such as "<sip:5001@tenant.test;transport=udp>" ("" when none).
std::string aor_of(std::string_view uri) {
  auto start = uri.find("sip:");
  if (start == std::string_view::npos) return {};
  uri.remove_prefix(start + 4);
  auto end = uri.find_first_of(";>? \t");
  if (end != std::string_view::npos) uri = uri.substr(0, end);
  auto at = uri.find('@');
  if (at == std::string_view::npos || at == 0) return {};
  // Host comparison is case-insensitive; users are compared as written.
  std::string result{uri};
  for (auto i = at + 1; i < result.size(); ++i)
    result[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(result[i])));
  return result;
}

/// Drops a registration that ended from both indexes.
void forget_registration(sip_endpoint_state& st, uint64_t id) {
  st.owners.erase(id);
  for (auto a = st.by_aor.begin(); a != st.by_aor.end(); ++a) {
    if (a->second == id) {
      st.by_aor.erase(a);
      return;
    }
  }
}

}  // namespace

caf::behavior sip_endpoint(caf::stateful_actor<sip_endpoint_state>* self,
                           std::shared_ptr<sip_port> stack, metrics::gateway_metrics* metrics,
                           std::string proxy) {
  self->state.stack = std::move(stack);
  self->state.metrics = metrics;
  self->state.proxy = std::move(proxy);
  return {
    [=](sip_register_atom, sip::registration_request& r) {
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      if (!sender) return;
      self->state.owners[r.id] = sender;
      self->state.by_aor[aor_of("sip:" + r.user + "@" + r.domain)] = r.id;
      self->state.stack->register_aor(std::move(r));
    },
    [=](sip_unregister_atom, uint64_t id) { self->state.stack->unregister(id); },
    [=](sip_cancel_atom, uint64_t id) {
      forget_registration(self->state, id);
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
      if (ev.outcome != registration_outcome::registered) forget_registration(st, ev.id);
      self->send(owner, sip_event_atom::value, std::move(ev));
    },
    [=](sip_invite_atom, sip::outgoing_call& c) {
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      if (!sender) return;
      self->state.calls[c.call_id] = sender;
      self->state.stack->invite(std::move(c));
    },
    [=](sip_answer_atom, uint64_t id, std::string& sdp) {
      self->state.stack->answer(id, std::move(sdp));
    },
    [=](sip_respond_atom, uint64_t id, int status, std::string& phrase) {
      self->state.stack->respond(id, status, std::move(phrase));
    },
    [=](sip_hangup_atom, uint64_t id) { self->state.stack->hangup(id); },
    [=](sip_reinvite_atom, uint64_t id, std::string& sdp) {
      if (sdp.empty())
        self->state.stack->respond_reinvite(id, 488, "Not Acceptable Here");
      else
        self->state.stack->answer_reinvite(id, std::move(sdp));
    },
    [=](sip_call_atom, sip::call_event& ev) {
      auto& st = self->state;
      if (ev.kind == sip::call_event_kind::incoming) {
        auto owner = st.owners.find(ev.registration_id);
        if (ev.registration_id == 0 || owner == st.owners.end()) {
          auto by_to = st.by_aor.find(aor_of(ev.to_uri));
          if (by_to != st.by_aor.end()) owner = st.owners.find(by_to->second);
        }
        if (owner == st.owners.end()) {
          log::info("INVITE for no signed-in agent refused",
                    {{"dn", ev.request_user}, {"sip_call_id", ev.sip_call_id}});
          st.stack->respond(ev.call_id, 480, "Temporarily Unavailable");
          return;
        }
        st.calls[ev.call_id] = owner->second;
        self->send(owner->second, sip_call_atom::value, std::move(ev));
        return;
      }
      auto i = st.calls.find(ev.call_id);
      if (i == st.calls.end()) return;
      auto owner = i->second;
      if (ev.kind == sip::call_event_kind::ended) st.calls.erase(i);
      self->send(owner, sip_call_atom::value, std::move(ev));
    },
  };
}

}  // namespace wrtc
