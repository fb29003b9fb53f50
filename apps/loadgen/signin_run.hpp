// The `signin` scenario: sign N agents in, keep them polling, read memory, sign them out.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "apps/loadgen/agent_listener.hpp"
#include "apps/loadgen/keepalive_connection.hpp"
#include "apps/loadgen/signin_options.hpp"
#include "apps/loadgen/signin_report.hpp"
#include "apps/loadgen/simulated_agent.hpp"

namespace wrtc::loadgen {

/// Drives every agent from the io_context's one thread. Sign-ins and sign-outs go over a pool of
/// `concurrency` keep-alive connections (at most one request each, so at most `concurrency` in
/// flight); each signed-in agent then polls on a connection of its own, as a desktop would.
class signin_run final : public agent_listener {
 public:
  // -- constructors and destructors ---------------------------------------------------------

  signin_run(boost::asio::io_context& io, const signin_options& options,
             const boost::asio::ip::tcp::endpoint& gateway,
             std::optional<boost::asio::ip::tcp::endpoint> metrics);

  // -- running ------------------------------------------------------------------------------

  /// Runs the scenario to its end (or its deadline) on the calling thread.
  signin_report execute(uint64_t open_file_limit);

  // -- agent_listener -----------------------------------------------------------------------

  void on_registered(simulated_agent& agent) override;
  void on_poll_answered(simulated_agent& agent) override;
  void on_poll_failed(simulated_agent& agent, const exchange_result& result) override;
  void on_session_ended(simulated_agent& agent, const std::string& reason) override;
  void on_session_unknown(simulated_agent& agent, const exchange_result& result) override;

 private:
  enum class phase { signing_in, settling, holding, signing_out, draining, done };

  /// CPU times at the start of the sign-in phase, to subtract at its end.
  struct cpu_snapshot {
    std::optional<double> gateway;
    std::map<int, std::pair<std::string, double>> gateway_threads;
    std::vector<double> watched;
    double loadgen = 0;
  };

  void next_signin(std::size_t slot);
  void on_signin(std::size_t slot, std::size_t agent, exchange_result result);
  void signin_phase_done();
  void agent_settled();
  void start_hold();
  void after_hold();
  void read_metrics();
  void start_signouts();
  void next_signout(std::size_t slot);
  void on_signout(std::size_t slot, std::size_t agent, const exchange_result& result);
  void signout_phase_done();
  void poll_closed();
  void finish();
  void abort(const std::string& why);
  void progress();

  cpu_snapshot take_cpu_snapshot() const;
  void record_cpu(const cpu_snapshot& start);
  keepalive_connection::request make_request(boost::beast::http::verb verb,
                                             const std::string& target) const;

  // Passed by argument.
  boost::asio::io_context& io_;
  const signin_options& options_;
  // Allocated by this.
  simulated_agent::shared_settings agent_settings_;
  std::vector<std::unique_ptr<simulated_agent>> agents_;
  std::vector<std::unique_ptr<keepalive_connection>> pool_;
  std::unique_ptr<keepalive_connection> metrics_connection_;
  std::optional<boost::asio::ip::tcp::endpoint> metrics_endpoint_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer phase_timer_;
  boost::asio::steady_timer progress_timer_;
  boost::asio::signal_set signals_;
  signin_report report_;
  phase phase_ = phase::signing_in;
  cpu_snapshot signin_cpu_start_;
  std::chrono::steady_clock::time_point phase_started_;
  std::chrono::steady_clock::time_point settle_started_;
  std::chrono::steady_clock::time_point hold_started_;
  std::optional<double> hold_cpu_start_;
  std::size_t next_agent_ = 0;
  std::size_t in_flight_ = 0;
  /// Signed-in agents whose first poll brought `session.registered`, or whose session was lost.
  std::size_t settled_ = 0;
  std::size_t open_polls_ = 0;
  /// Indexes of agents that sign out, in order; `signout_sent_[i]` once agent i's DELETE left.
  std::vector<std::size_t> signout_order_;
  std::vector<bool> signout_sent_;
  std::vector<bool> settled_agent_;
};

}  // namespace wrtc::loadgen
