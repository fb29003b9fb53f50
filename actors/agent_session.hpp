// The actor of one signed-in agent: its SIP registration, its ordered event queue served by
// long-poll, and its lifetime (sign-out, poll grace timeout, registration loss).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "protocols/metrics/gateway_metrics.hpp"

namespace wrtc::media {
class media_engine;
}

namespace wrtc {

/// Everything a session is created with.
struct agent_session_params {
  std::string session_id;
  std::string dn;
  /// Contact center id (tenant).
  std::string tenant;
  /// Tenant SIP domain.
  std::string domain;
  std::string user_name;
  /// SHA-256 of the agent's GAuth token: requests may authenticate with the token instead of
  /// the cookie, and the session never holds the token itself.
  std::string token_digest;
  /// Digest password for the registrar (a secret: never inspected, never logged).
  std::string sip_auth_password;
  caf::timespan register_timeout = std::chrono::seconds{10};
  caf::timespan unregister_timeout = std::chrono::seconds{5};
  /// A client that does not poll for this long is considered gone.
  caf::timespan poll_grace = std::chrono::seconds{60};
  /// Events kept for a client that does not collect them; the oldest are dropped beyond it.
  std::size_t max_queued_events = 1000;
  /// The node's media plane for this session's calls (null: calls fail with media_failed).
  std::shared_ptr<media::media_engine> media;
  /// Calls one agent may have at once.
  std::size_t max_calls = 8;
};

/// One event of the session; `json` is the whole event object as sent to the client.
struct session_event {
  uint64_t seq = 0;
  std::string json;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_event& x) {
  return f(caf::meta::type_name("session_event"), x.seq, x.json);
}

enum class session_phase : uint8_t { registering, registered, ending };

std::string to_string(session_phase x);

/// The state that defines a session (the part that migrates and that inspection shows).
struct agent_session_data {
  std::string session_id;
  std::string dn;
  std::string tenant;
  std::string domain;
  std::string user_name;
  std::string token_digest;
  session_phase phase = session_phase::registering;
  uint64_t registration_id = 0;
  /// The sequence number the next event gets.
  uint64_t next_seq = 1;
  /// Events not yet acknowledged by the client (acknowledged = a poll with after >= seq).
  std::deque<session_event> events;
  /// Monotonic milliseconds of the client's last sign of life (a poll arriving or completing).
  int64_t last_client_activity_ms = 0;
  std::string end_reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_session_data& x) {
  return f(caf::meta::type_name("agent_session"), x.session_id, x.dn, x.tenant, x.domain,
           x.user_name, caf::meta::omittable(), x.token_digest, x.phase, x.registration_id,
           x.next_seq, x.events, x.last_client_activity_ms, x.end_reason);
}

/// A long-poll parked until an event arrives or its timeout expires.
struct parked_poll {
  uint64_t id = 0;
  http_exchange_ptr exchange;
};

struct agent_session_state {
  agent_session_data data;
  // Transient: bound to this node and process.
  agent_session_params params;
  caf::actor sip;
  caf::actor directory;
  // Passed by argument, owned by the node.
  metrics::gateway_metrics* metrics = nullptr;
  caf::response_promise sign_in;
  std::optional<parked_poll> poll;
  uint64_t next_poll_id = 0;
  uint64_t grace_generation = 0;
  bool counted_as_signed_in = false;
  std::vector<http_exchange_ptr> sign_out_waiters;
  /// Call legs by call id.
  std::map<uint64_t, caf::actor> calls;
  static inline const char* name = "agent_session";
};

/// Messages:
/// - `(start_atom) -> bool` registers the DN; answers once registered, or fails with
///   registration_failed.
/// - `(poll_atom, exchange, credentials, after, timeout_seconds)` the hanging GET of events.
/// - `(sign_out_atom, exchange, credentials)` DELETE of the session: 204 once un-registered.
/// - `(end_atom, reason)` ends the session from inside the node (shutdown, policy).
/// - `(call_create_atom, exchange, credentials, to, sdp)` an outbound call (201 {"call"}).
/// - `(call_answer_atom, exchange, credentials, call, sdp)`, `(call_hangup_atom, exchange,
///   credentials, call)` forwarded to the call's leg (404 for an unknown call).
/// - `(sip_call_atom, call_event)` an incoming INVITE (spawns a call leg) or an event of one.
/// - `(call_notice_atom, type, json)` from a leg: becomes a session event.
/// - `(state_atom) -> agent_session_data` inspection.
caf::behavior agent_session(caf::stateful_actor<agent_session_state>* self,
                            agent_session_params params, caf::actor sip, caf::actor directory,
                            metrics::gateway_metrics* metrics);

}  // namespace wrtc
