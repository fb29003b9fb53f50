// Exact latency percentiles.
#include "apps/loadgen/latency_record.hpp"

#include <algorithm>
#include <cmath>

namespace wrtc::loadgen {

void latency_record::add(std::chrono::steady_clock::duration elapsed) {
  samples_us_.push_back(std::chrono::duration<double, std::micro>(elapsed).count());
  sorted_ = false;
}

double latency_record::percentile_ms(double p) const {
  if (samples_us_.empty()) {
    return 0;
  }
  if (!sorted_) {
    std::sort(samples_us_.begin(), samples_us_.end());
    sorted_ = true;
  }
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(count())));
  auto index = std::clamp<std::size_t>(rank, 1, count()) - 1;
  return samples_us_[index] / 1000.0;
}

double latency_record::max_ms() const {
  return percentile_ms(100);
}

}  // namespace wrtc::loadgen
