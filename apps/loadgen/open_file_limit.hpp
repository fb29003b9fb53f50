// The process's limit of open files (RLIMIT_NOFILE).
#pragma once

#include <cstdint>
#include <string>

namespace wrtc::loadgen {

/// The one place that calls getrlimit/setrlimit.
class open_file_limit {
 public:
  /// Soft and hard limit after the attempt; `error` says why raising failed (empty otherwise).
  struct state {
    uint64_t soft = 0;
    uint64_t hard = 0;
    std::string error;
  };

  /// Raises the soft limit to the hard limit: each agent holds one socket.
  static state raise_to_hard();
};

}  // namespace wrtc::loadgen
