// Memory and CPU time of processes and threads, read from /proc.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wrtc::loadgen {

/// The one place that reads /proc and asks the C library for the clock tick.
class process_probe {
 public:
  /// CPU time one thread of a process used so far.
  struct thread_time {
    int tid = 0;
    /// The thread's name (comm), e.g. `caf.worker`.
    std::string name;
    double cpu_seconds = 0;
  };

  /// VmRSS of /proc/<pid>/status in KiB; nothing when the process is gone or unreadable.
  static std::optional<long> rss_kib(int pid);

  /// User plus system CPU time of the whole process (all threads) in seconds.
  static std::optional<double> cpu_seconds(int pid);

  /// Every thread of the process with its CPU time; empty when the process is gone.
  static std::vector<thread_time> threads(int pid);

  /// The id of this process.
  static int self();
};

}  // namespace wrtc::loadgen
