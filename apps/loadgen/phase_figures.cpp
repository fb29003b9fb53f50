// JSON rendering of a phase's figures.
#include "apps/loadgen/phase_figures.hpp"

#include <cmath>

namespace wrtc::loadgen {

namespace {

double round2(double value) {
  return std::round(value * 100.0) / 100.0;
}

}  // namespace

nlohmann::json phase_figures::to_json() const {
  return {
      {"attempted", attempted},
      {"succeeded", succeeded},
      {"failed", failures.total()},
      {"not_attempted", not_attempted},
      {"seconds", round2(seconds)},
      {"per_second", round2(per_second())},
      {"latency_ms", latency.count() == 0
                         ? nlohmann::json(nullptr)
                         : nlohmann::json{{"p50", round2(latency.percentile_ms(50))},
                                          {"p90", round2(latency.percentile_ms(90))},
                                          {"p99", round2(latency.percentile_ms(99))},
                                          {"max", round2(latency.max_ms())}}},
      {"errors", failures.counts_json()},
      {"error_examples", failures.examples_json()},
  };
}

}  // namespace wrtc::loadgen
