// A named set of processes whose CPU time a run reports (`--watch name=pid,pid`).
#pragma once

#include <string>
#include <vector>

namespace wrtc::loadgen {

/// A set of processes whose CPU time is reported for the sign-in phase (`--watch name=pid,pid`).
struct watched_process {
  /// How the report names the set, e.g. `kamailio`.
  std::string name;
  /// Their CPU times are added up.
  std::vector<int> pids;
};

}  // namespace wrtc::loadgen
