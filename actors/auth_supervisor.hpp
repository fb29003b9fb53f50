// The GAuth supervisor: validates agent tokens, keeps the gateway's service token, and tracks
// GAuth availability (wrtc_system_error{type="auth"} and {type="gauth_errors"}).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/response_promise.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/dependency_client.hpp"
#include "actors/messages.hpp"

namespace wrtc {

struct auth_supervisor_config {
  /// Base URL of GAuth, e.g. "http://gauth.svc:80".
  std::string auth_service;
  /// The gateway's GWS client credentials (secrets; never logged or inspected).
  std::string client_id;
  std::string client_secret;
  /// How long a validated agent token is trusted without asking GAuth again.
  caf::timespan token_cache_ttl = std::chrono::seconds{60};
  /// Upper bound of cached tokens (oldest entries are dropped beyond it).
  std::size_t token_cache_size = 100000;
  retry_policy retry;
  prometheus::Gauge* up_gauge = nullptr;
  prometheus::Gauge* error_gauge = nullptr;
};

struct cached_identity {
  agent_identity identity;
  caf::actor_clock::time_point expires;
};

struct auth_supervisor_state {
  auth_supervisor_config cfg;
  dependency_client gauth;
  // Service token (a secret: kept out of inspect()).
  std::string service_token;
  caf::actor_clock::time_point service_token_expires;
  bool service_token_pending = false;
  std::vector<caf::response_promise> service_token_waiters;
  // Validated agent tokens, by SHA-256 digest of the token.
  std::unordered_map<std::string, cached_identity> identities;
  // Validations in flight, by digest: concurrent sign-ins with one token share one request.
  std::unordered_map<std::string, std::vector<caf::response_promise>> validations;
  static inline const char* name = "auth_supervisor";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, auth_supervisor_state& x) {
  auto cached = x.identities.size();
  auto in_flight = x.validations.size();
  return f(caf::meta::type_name("auth_supervisor_state"), x.gauth, cached, in_flight,
           x.service_token_pending);
}

/// Messages:
/// - `(validate_atom, token) -> agent_identity` or unauthorized / service_unavailable.
/// - `(service_token_atom) -> std::string` the gateway's bearer token for GWS.
/// - `(invalidate_atom, service_token_atom)` forget the service token (GWS refused it).
caf::behavior auth_supervisor(caf::stateful_actor<auth_supervisor_state>* self,
                              auth_supervisor_config cfg, caf::actor fetcher);

}  // namespace wrtc
