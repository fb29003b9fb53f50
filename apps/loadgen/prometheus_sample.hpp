// One sample read from a Prometheus text exposition.
#pragma once

#include <optional>
#include <string_view>

namespace wrtc::loadgen {

/// Finds the value of a metric in the text format (`name value` or `name{labels} value`).
class prometheus_sample {
 public:
  /// The value of the sample `name` without labels; nothing when absent or not a number.
  static std::optional<double> find(std::string_view exposition, std::string_view name);
};

}  // namespace wrtc::loadgen
