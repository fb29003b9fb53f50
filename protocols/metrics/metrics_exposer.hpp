// Serves a metrics registry over HTTP (Prometheus text format) on its own civetweb threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

namespace wrtc::metrics {

/// Binds `address:port` and serves `/metrics`.
class metrics_exposer {
 public:
  /// Returns nullptr and fills `error` when the port cannot be bound.
  static std::unique_ptr<metrics_exposer> start(const std::string& address, uint16_t port,
                                                std::shared_ptr<prometheus::Registry> registry,
                                                std::string& error);

  /// The bound port (useful with port 0).
  uint16_t port() const { return port_; }

 private:
  metrics_exposer() = default;

  // Allocated by this.
  std::unique_ptr<prometheus::Exposer> exposer_;
  uint16_t port_ = 0;
};

}  // namespace wrtc::metrics
