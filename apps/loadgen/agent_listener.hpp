// What a simulated agent reports to the run that drives it.
#pragma once

#include <string>

#include "apps/loadgen/exchange_result.hpp"

namespace wrtc::loadgen {

class simulated_agent;

/// Implemented by the run; called on the io_context thread.
class agent_listener {
 public:
  virtual ~agent_listener() = default;

  /// The first poll delivered `session.registered`; the agent now waits in its next poll.
  virtual void on_registered(simulated_agent& agent) = 0;

  /// A poll answered 200 (with or without events).
  virtual void on_poll_answered(simulated_agent& agent) = 0;

  /// A poll failed (not 200, not 404, or no answer); the agent polls again a second later.
  virtual void on_poll_failed(simulated_agent& agent, const exchange_result& result) = 0;

  /// A poll delivered `session.ended`; the agent stopped polling.
  virtual void on_session_ended(simulated_agent& agent, const std::string& reason) = 0;

  /// A poll answered 404: the gateway no longer knows the session; the agent stopped polling.
  virtual void on_session_unknown(simulated_agent& agent, const exchange_result& result) = 0;
};

}  // namespace wrtc::loadgen
