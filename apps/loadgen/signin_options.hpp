// What `wrtc-loadgen signin` was asked to do, and the parser of its command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apps/loadgen/http_url.hpp"
#include "apps/loadgen/watched_process.hpp"

namespace wrtc::loadgen {

/// The options of mode `signin`; `parse` checks every value and bounds the run.
struct signin_options {
  /// Every request goes to this URL's host and port.
  http_url gateway;
  std::size_t agents = 0;
  /// Sign-ins (and sign-outs) in flight at once; also the number of pooled keep-alive connections.
  std::size_t concurrency = 0;
  /// Agent i (0-based) signs in with `Authorization: Bearer <token_prefix><i>`.
  std::string token_prefix = "agent-";
  /// Agent i signs in with DN `<dn_base + i>`.
  uint64_t dn_base = 100000;
  /// Idle time with every agent polling before memory is read and everyone signs out.
  std::chrono::seconds hold{5};
  /// The gateway process: RSS and CPU are read from /proc/<pid>.
  std::optional<int> gateway_pid;
  /// The gateway's Prometheus exposition; `wrtc_current_signins` is checked against it.
  std::optional<http_url> metrics;
  std::vector<watched_process> watched;
  /// One sign-in or sign-out that takes longer fails with `timeout`.
  std::chrono::seconds request_timeout{30};
  /// The whole run is aborted (and reported) after this.
  std::chrono::seconds deadline{0};
  /// Long-poll `timeout` parameter in seconds (the API allows at most 50).
  unsigned poll_timeout = 50;
  bool json = false;

  /// Largest number of agents one run accepts.
  static constexpr std::size_t max_agents = 1000000;
  /// Largest concurrency one run accepts.
  static constexpr std::size_t max_concurrency = 10000;

  /// `args` are the arguments after the mode name. Sets `error` (one line) instead of throwing.
  static std::optional<signin_options> parse(const std::vector<std::string>& args,
                                             std::string& error);

  /// The usage text of the mode.
  static const char* usage();
};

}  // namespace wrtc::loadgen
