// Session directory actor.
#include "actors/session_directory.hpp"

#include "actors/gateway_error.hpp"

namespace wrtc {

namespace {

void erase_session(caf::stateful_actor<session_directory_state>* self, const std::string& id) {
  auto& st = self->state;
  auto i = st.by_session.find(id);
  if (i == st.by_session.end()) return;
  // by_actor keeps the entry until the actor is down: an ending session still holds its DN's
  // registration and its calls, and shutdown waits for it.
  auto d = st.by_dn.find(i->second.dn_key);
  if (d != st.by_dn.end() && d->second == id) st.by_dn.erase(d);
  st.by_session.erase(i);
}

}  // namespace

caf::behavior session_directory(caf::stateful_actor<session_directory_state>* self,
                                std::size_t max_clients) {
  self->state.max_clients = max_clients;
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto i = st.by_actor.find(msg.source);
    if (i == st.by_actor.end()) return;
    auto id = i->second;
    st.by_actor.erase(i);
    erase_session(self, id);
  });
  // Sessions are not linked to the directory; when it is told to exit, it takes them along so
  // that no session outlives the node's control plane.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& kv : self->state.by_session) {
      if (kv.second.session) self->send_exit(kv.second.session, msg.reason);
    }
    self->quit(msg.reason);
  });
  return {
    [=](end_atom, const std::string& reason) {
      for (auto& kv : self->state.by_session) {
        if (kv.second.session) self->send(kv.second.session, end_atom::value, reason);
      }
    },
    [=](reserve_atom, const std::string& key, const std::string& id) -> caf::result<bool> {
      auto& st = self->state;
      if (st.by_dn.count(key) > 0) return make_error(gateway_errc::dn_in_use, "DN already signed in");
      if (st.max_clients > 0 && st.by_session.size() >= st.max_clients)
        return make_error(gateway_errc::capacity_exceeded, "gateway is at its client limit");
      st.by_dn.emplace(key, id);
      st.by_session.emplace(id, directory_entry{key, caf::actor{}});
      return true;
    },
    [=](bind_atom, const std::string& id, caf::actor& session) {
      auto& st = self->state;
      auto i = st.by_session.find(id);
      if (i == st.by_session.end()) return;
      self->monitor(session);
      st.by_actor[session.address()] = id;
      i->second.session = std::move(session);
    },
    [=](lookup_atom, const std::string& id) -> caf::result<caf::actor> {
      auto& st = self->state;
      auto i = st.by_session.find(id);
      if (i == st.by_session.end() || !i->second.session)
        return make_error(gateway_errc::not_found, "unknown session");
      return i->second.session;
    },
    [=](release_atom, const std::string& id) { erase_session(self, id); },
    [=](count_atom) {
      // Sessions in the directory plus ended ones whose actor is still winding down.
      auto& st = self->state;
      uint64_t n = st.by_session.size();
      for (const auto& kv : st.by_actor) {
        if (st.by_session.count(kv.second) == 0) ++n;
      }
      return n;
    },
  };
}

}  // namespace wrtc
