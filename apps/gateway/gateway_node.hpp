// One gateway process: starts every thread and actor in order and stops them in reverse.
#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "apps/gateway/gateway_config.hpp"
#include "apps/gateway/sip_stack_port.hpp"
#include "media/worker/media_engine.hpp"
#include "protocols/http/http_server.hpp"
#include "protocols/http_client/http_client.hpp"
#include "protocols/metrics/gateway_metrics.hpp"
#include "protocols/metrics/metrics_exposer.hpp"

namespace wrtc::gateway {

class gateway_node {
 public:
  gateway_node(caf::actor_system& sys, gateway_config& cfg);
  ~gateway_node();

  /// Binds every port and spawns the actors. Returns "" or one line saying what failed.
  std::string start();

  /// Ends every session (un-registering its DN), waiting at most `deadline`, then stops.
  void stop(caf::timespan deadline);

 private:
  // Passed by argument.
  caf::actor_system& sys_;
  gateway_config& cfg_;
  // Allocated by this. Declaration order is start order; members are destroyed in reverse.
  std::unique_ptr<metrics::gateway_metrics> metrics_;
  std::unique_ptr<metrics::metrics_exposer> exposer_;
  std::shared_ptr<http_client::http_client> http_client_;
  std::shared_ptr<sip_stack_port> sip_port_;
  std::shared_ptr<media::media_engine> media_;
  caf::actor fetcher_;
  caf::actor auth_;
  caf::actor config_;
  caf::actor directory_;
  caf::actor sip_;
  caf::actor api_;
  std::unique_ptr<http::http_server> http_server_;
};

}  // namespace wrtc::gateway
