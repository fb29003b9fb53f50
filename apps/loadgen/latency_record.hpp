// Every latency of one kind of request, and the percentiles reported from them.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace wrtc::loadgen {

/// Keeps every sample (a million requests are 8 MB), so percentiles are exact, not estimated.
class latency_record {
 public:
  void add(std::chrono::steady_clock::duration elapsed);

  std::size_t count() const { return samples_us_.size(); }

  /// Nearest-rank percentile in milliseconds, `p` in (0, 100]; 0 without samples.
  double percentile_ms(double p) const;

  double max_ms() const;

 private:
  // Sorted lazily by the first percentile asked after an `add`.
  mutable std::vector<double> samples_us_;
  mutable bool sorted_ = true;
};

}  // namespace wrtc::loadgen
