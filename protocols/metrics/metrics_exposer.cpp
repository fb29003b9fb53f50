// Prometheus exposer wrapper.
#include "protocols/metrics/metrics_exposer.hpp"

#include <exception>

namespace wrtc::metrics {

std::unique_ptr<metrics_exposer> metrics_exposer::start(
    const std::string& address, uint16_t port, std::shared_ptr<prometheus::Registry> registry,
    std::string& error) {
  std::unique_ptr<metrics_exposer> result{new metrics_exposer};
  try {
    // civetweb wants "[::]:port" for IPv6; a plain IPv4 address takes "a.b.c.d:port".
    auto bind = (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
                std::to_string(port);
    result->exposer_ = std::make_unique<prometheus::Exposer>(bind, 2);
    result->exposer_->RegisterCollectable(registry, "/metrics");
    auto ports = result->exposer_->GetListeningPorts();
    result->port_ = ports.empty() ? port : static_cast<uint16_t>(ports.front());
  } catch (const std::exception& e) {
    error = "cannot serve metrics on " + address + ":" + std::to_string(port) + ": " + e.what();
    return nullptr;
  }
  return result;
}

}  // namespace wrtc::metrics
