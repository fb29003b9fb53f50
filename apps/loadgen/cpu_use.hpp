// CPU time used during a phase by a process, a set of processes or a group of threads.
#pragma once

#include <cstddef>
#include <string>

namespace wrtc::loadgen {

/// CPU time a process, a set of processes or a group of same-named threads used in a phase.
struct cpu_use {
  /// The `--watch` name, or the threads' name (comm).
  std::string name;
  /// User plus system CPU time.
  double seconds = 0;
  /// How many threads share the name; 0 for processes.
  std::size_t threads = 0;
};

}  // namespace wrtc::loadgen
