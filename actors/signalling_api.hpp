// The signalling API (HTTP JSON, long-poll): routes each request to the actor that serves it,
// and runs the sign-in sequence (GAuth token -> GWS tenant -> DN reservation -> SIP REGISTER).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/agent_session.hpp"
#include "actors/messages.hpp"
#include "protocols/http/static_content.hpp"
#include "protocols/metrics/gateway_metrics.hpp"

namespace wrtc {

struct signalling_api_config {
  /// deployment.color, reported by /ping.
  std::string color = "blue";
  std::string version;
  /// Origins allowed to call the API from a browser (CORS with credentials).
  std::vector<std::string> allowed_origins;
  /// Name of the session cookie.
  std::string cookie_name = "WRTC_SESSION";
  /// Long-poll timeouts, in seconds.
  uint32_t default_poll_timeout = 30;
  uint32_t max_poll_timeout = 50;
  /// The browser client and demo page (null = none served).
  std::shared_ptr<const http::static_content> web;
  /// Template of every new session (ids and identity are filled per sign-in).
  agent_session_params session_template;
};

struct signalling_api_state {
  signalling_api_config cfg;
  caf::actor auth;
  caf::actor config;
  caf::actor directory;
  caf::actor sip;
  // Passed by argument, owned by the node.
  metrics::gateway_metrics* metrics = nullptr;
  static inline const char* name = "signalling_api";
};

/// Handles `(http_atom, http_exchange_ptr)`.
caf::behavior signalling_api(caf::stateful_actor<signalling_api_state>* self,
                             signalling_api_config cfg, caf::actor auth, caf::actor config,
                             caf::actor directory, caf::actor sip,
                             metrics::gateway_metrics* metrics);

/// Extracts the bearer token of an Authorization header ("" when absent or malformed).
std::string bearer_token(const std::string& authorization);

/// Extracts one cookie's value from a Cookie header ("" when absent).
std::string cookie_value(const std::string& cookie_header, const std::string& name);

/// Whether a DN is acceptable: 1-64 characters of [A-Za-z0-9+*._-].
bool valid_dn(const std::string& dn);

}  // namespace wrtc
