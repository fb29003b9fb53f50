// Every figure a `signin` run measured, and its text and JSON renderings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apps/loadgen/cpu_use.hpp"
#include "apps/loadgen/failure_tally.hpp"
#include "apps/loadgen/phase_figures.hpp"

namespace wrtc::loadgen {

/// Everything one run of `wrtc-loadgen signin` measured.
struct signin_report {
  // -- what was asked -----------------------------------------------------------------------
  std::string gateway;
  std::size_t agents = 0;
  std::size_t concurrency = 0;
  long long hold_seconds = 0;
  uint64_t open_file_limit = 0;

  // -- phases -------------------------------------------------------------------------------
  phase_figures signin;
  phase_figures signout;

  // -- polling ------------------------------------------------------------------------------
  /// Agents with a poll open when memory was read after the hold.
  std::size_t agents_idle = 0;
  /// From the end of the sign-in phase until every agent had its registered event.
  double settle_seconds = 0;
  std::size_t polls_answered = 0;
  failure_tally poll_failures;
  /// Sessions that ended or vanished (404) before the agent signed out: lost, by reason.
  std::map<std::string, std::size_t> lost_sessions;
  /// How polls of signed-out agents ended: `session.ended` reasons, or `404`.
  std::map<std::string, std::size_t> signout_poll_endings;
  /// Polls still open a while after every sign-out was answered.
  std::size_t polls_open_after_signout = 0;

  // -- the gateway process --------------------------------------------------------------------
  std::optional<int> gateway_pid;
  std::optional<long> rss_before_kib;
  std::optional<long> rss_idle_kib;
  std::optional<long> rss_after_signout_kib;
  std::optional<double> gateway_cpu_seconds;
  std::vector<cpu_use> gateway_threads;
  /// Gateway CPU during the hold (every agent idle, polls parked), in % of one core.
  std::optional<double> gateway_idle_cpu_percent;
  std::vector<cpu_use> watched;
  double loadgen_cpu_seconds = 0;

  // -- metrics ------------------------------------------------------------------------------
  bool metrics_checked = false;
  std::optional<double> current_signins;
  std::string metrics_error;

  /// Why the run was cut short; empty when it ran to the end.
  std::string aborted;

  /// (idle − before) / agents, in KiB.
  std::optional<double> rss_per_agent_kib() const;
  bool metrics_match() const;
  std::size_t lost_session_count() const;
  /// Every request succeeded, every session lived until signed out, the metric matched.
  bool ok() const;

  nlohmann::json to_json() const;
  std::string to_text() const;
};

}  // namespace wrtc::loadgen
