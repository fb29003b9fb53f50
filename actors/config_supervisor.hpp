// The GWS supervisor: reads tenant records from the GWS environment service, watches the GWS
// configuration service, and tracks both (wrtc_system_error{type="env"|"env_errors"|"cfg"|"cfg_errors"}).
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

struct config_supervisor_config {
  /// Base URL of the GWS environment service.
  std::string env_service;
  /// Base URL of the GWS configuration service; empty = not watched.
  std::string cfg_service;
  /// Path probed on the configuration service.
  std::string cfg_health_path = "/configuration/v3/ping";
  /// How often the configuration service is checked while it is up.
  caf::timespan cfg_check_interval = std::chrono::seconds{30};
  /// How long a tenant record is used without asking GWS again. While GWS is down, known
  /// tenants keep being served from the cache.
  caf::timespan tenant_cache_ttl = std::chrono::seconds{300};
  retry_policy retry;
  prometheus::Gauge* env_up_gauge = nullptr;
  prometheus::Gauge* env_error_gauge = nullptr;
  prometheus::Gauge* cfg_up_gauge = nullptr;
  prometheus::Gauge* cfg_error_gauge = nullptr;
};

struct cached_tenant {
  tenant_record record;
  caf::actor_clock::time_point expires;
};

struct config_supervisor_state {
  config_supervisor_config cfg;
  caf::actor auth;
  dependency_client env;
  dependency_client cfg_client;
  std::unordered_map<std::string, cached_tenant> tenants;
  // Lookups in flight, by contact center id.
  std::unordered_map<std::string, std::vector<caf::response_promise>> lookups;
  static inline const char* name = "config_supervisor";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, config_supervisor_state& x) {
  auto cached = x.tenants.size();
  auto in_flight = x.lookups.size();
  return f(caf::meta::type_name("config_supervisor_state"), x.env, x.cfg_client, cached,
           in_flight);
}

/// Messages:
/// - `(tenant_atom, contact_center_id) -> tenant_record` or forbidden (unknown tenant) /
///   service_unavailable.
caf::behavior config_supervisor(caf::stateful_actor<config_supervisor_state>* self,
                                config_supervisor_config cfg, caf::actor auth,
                                caf::actor fetcher);

}  // namespace wrtc
