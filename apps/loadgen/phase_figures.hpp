// The figures of one phase of a run: sign-in or sign-out.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "apps/loadgen/failure_tally.hpp"
#include "apps/loadgen/latency_record.hpp"

namespace wrtc::loadgen {

/// Figures of one phase (sign-in or sign-out): rate over the phase, latency of the requests that
/// succeeded, and every failure.
struct phase_figures {
  /// Requests sent.
  std::size_t attempted = 0;
  /// Requests answered as the API promises (200 with a session; 204).
  std::size_t succeeded = 0;
  /// Requests never sent because the run was aborted.
  std::size_t not_attempted = 0;
  /// From the first request sent to the last answer.
  double seconds = 0;
  /// Latency of the successful requests only.
  latency_record latency;
  /// Every request that failed, by status or transport failure.
  failure_tally failures;

  /// Successful requests per second over the phase.
  double per_second() const { return seconds > 0 ? static_cast<double>(succeeded) / seconds : 0; }
  /// The figures as one JSON object; latency is null when nothing succeeded.
  nlohmann::json to_json() const;
};

}  // namespace wrtc::loadgen
