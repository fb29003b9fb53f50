// Availability bookkeeping shared by the GAuth and GWS supervisors: up/down gauge, error count,
// and the exponential backoff of the recovery probe (the circuit breaker).
#pragma once

#include <algorithm>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>
#include <prometheus/gauge.h>

namespace wrtc {

/// Backoff and retry policy of a supervised dependency.
struct retry_policy {
  /// Attempts per request before the service is declared down (1 = no retry).
  int max_attempts = 2;
  /// First delay between attempts and between recovery probes; doubled up to backoff_max.
  caf::timespan backoff_min = std::chrono::milliseconds{100};
  caf::timespan backoff_max = std::chrono::seconds{2};
  /// Per-request deadline.
  caf::timespan request_timeout = std::chrono::seconds{3};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retry_policy& x) {
  return f(caf::meta::type_name("retry_policy"), x.max_attempts, x.backoff_min, x.backoff_max,
           x.request_timeout);
}

/// Tracks whether one service is reachable. The gauges are optional (unit tests may omit them).
class service_health {
 public:
  service_health() = default;
  service_health(prometheus::Gauge* up_gauge, prometheus::Gauge* error_gauge)
      : up_gauge_(up_gauge), error_gauge_(error_gauge) {}

  /// Whether requests may be sent (the circuit is closed).
  bool up() const { return up_; }

  /// A request succeeded: closes the circuit. Returns true when the service was down before.
  bool succeeded() {
    probe_delay_ = {};
    if (up_) return false;
    up_ = true;
    if (up_gauge_ != nullptr) up_gauge_->Set(1);
    return true;
  }

  /// A request failed (transport error, 5xx, garbage): counts it.
  void failed() {
    ++errors_;
    if (error_gauge_ != nullptr) error_gauge_->Increment();
  }

  /// Opens the circuit. Returns true when the service was up before.
  bool declare_down() {
    if (!up_) return false;
    up_ = false;
    if (up_gauge_ != nullptr) up_gauge_->Set(0);
    return true;
  }

  /// The delay before the next recovery probe (grows exponentially).
  caf::timespan next_probe_delay(const retry_policy& p) {
    probe_delay_ = probe_delay_.count() == 0 ? p.backoff_min
                                             : std::min(probe_delay_ * 2, p.backoff_max);
    return probe_delay_;
  }

  /// Whether a recovery probe is scheduled.
  bool probing = false;

  /// Failures counted so far.
  uint64_t errors() const { return errors_; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, service_health& x) {
    return f(caf::meta::type_name("service_health"), x.up_, x.errors_, x.probing);
  }

 private:
  bool up_ = true;
  uint64_t errors_ = 0;
  caf::timespan probe_delay_{};
  // Passed by argument, owned by the node's metrics.
  prometheus::Gauge* up_gauge_ = nullptr;
  prometheus::Gauge* error_gauge_ = nullptr;
};

}  // namespace wrtc
