// One agent desktop: its credentials, its session and the long-poll it keeps open.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "apps/loadgen/agent_listener.hpp"
#include "apps/loadgen/keepalive_connection.hpp"

namespace wrtc::loadgen {

/// Behaves like an idle, well-behaved desktop: after sign-in it polls its events on a connection
/// of its own, acknowledging what it saw (`after` = highest seq) and polling again as each answer
/// arrives, until its session ends.
class simulated_agent {
 public:
  /// What every agent of a run shares; owned by the run.
  struct shared_settings {
    boost::asio::io_context* io = nullptr;
    boost::asio::ip::tcp::endpoint gateway;
    /// Host header value.
    std::string host;
    /// Long-poll `timeout` parameter in seconds.
    unsigned poll_timeout = 50;
    agent_listener* listener = nullptr;
  };

  // -- constructors and destructors ---------------------------------------------------------

  simulated_agent(const shared_settings& shared, std::size_t index, std::string token,
                  std::string dn);
  simulated_agent(const simulated_agent&) = delete;
  simulated_agent& operator=(const simulated_agent&) = delete;

  // -- properties ---------------------------------------------------------------------------

  /// 0-based position in the run.
  std::size_t index() const { return index_; }
  const std::string& token() const { return token_; }
  const std::string& dn() const { return dn_; }
  /// Empty until signed in.
  const std::string& session() const { return session_; }
  uint64_t last_seq() const { return last_seq_; }
  bool polling() const { return polling_; }

  // -- lifecycle ----------------------------------------------------------------------------

  /// Signed in as `session`: opens the agent's own connection and starts polling.
  void start_polling(std::string session);

  /// Stops polling and closes the agent's connection.
  void stop();

 private:
  void poll();
  void on_poll(exchange_result result);
  void poll_later();

  // Passed by argument.
  const shared_settings& shared_;
  // Allocated by this.
  std::size_t index_;
  std::string token_;
  std::string dn_;
  std::string session_;
  uint64_t last_seq_ = 0;
  bool registered_seen_ = false;
  bool polling_ = false;
  std::unique_ptr<keepalive_connection> connection_;
  // Only after a failed poll.
  std::unique_ptr<boost::asio::steady_timer> retry_;
};

}  // namespace wrtc::loadgen
