// The node's directory of agent sessions: which DN is signed in, and which actor serves a session.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <prometheus/gauge.h>

#include "actors/messages.hpp"

namespace wrtc {

/// One signed-in (or signing-in) agent.
struct directory_entry {
  std::string dn_key;  // "<tenant>/<dn>"
  caf::actor session;  // invalid while the sign-in is in progress
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, directory_entry& x) {
  return f(caf::meta::type_name("directory_entry"), x.dn_key, x.session);
}

struct session_directory_state {
  /// "<tenant>/<dn>" -> session id.
  std::unordered_map<std::string, std::string> by_dn;
  /// session id -> entry.
  std::unordered_map<std::string, directory_entry> by_session;
  /// session actor -> session id, for down messages.
  std::map<caf::actor_addr, std::string> by_actor;
  /// Sign-ins beyond this are refused (wrtc_max_clients_per_instance).
  std::size_t max_clients = 0;
  static inline const char* name = "session_directory";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_directory_state& x) {
  return f(caf::meta::type_name("session_directory_state"), x.by_dn, x.by_session, x.max_clients);
}

/// The key of a DN within its tenant: DNs are unique per tenant, not per gateway.
inline std::string dn_key(const std::string& tenant, const std::string& dn) {
  return tenant + "/" + dn;
}

/// Messages:
/// - `(reserve_atom, dn_key, session_id) -> bool` reserves the DN for a new session, or fails
///   with dn_in_use / capacity_exceeded.
/// - `(bind_atom, session_id, actor)` attaches the session's actor (monitored).
/// - `(lookup_atom, session_id) -> actor` or not_found.
/// - `(release_atom, session_id)` forgets the session (also done when its actor goes down).
/// - `(count_atom) -> uint64_t` number of sessions.
/// - `(end_atom, reason)` ends every session (they un-register and leave the directory).
caf::behavior session_directory(caf::stateful_actor<session_directory_state>* self,
                                std::size_t max_clients);

}  // namespace wrtc
