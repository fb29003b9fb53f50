// Settings of the HTTP signalling server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "protocols/http/rejection.hpp"

namespace wrtc::http {

/// Where to listen and how much a client may send; every limit answers hostile input cheaply.
struct server_config {
  /// IPv4 or IPv6 literal to bind.
  std::string address = "0.0.0.0";
  /// 0 binds any free port (see `http_server::port()`).
  uint16_t port = 8086;
  /// Larger bodies get 413, by Content-Length before reading or as chunks arrive.
  std::size_t max_body_bytes = std::size_t{64} * 1024;
  /// Larger header sections (request line included) get 431.
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  /// More header fields than this get 431.
  std::size_t max_header_count = 100;
  /// A request must arrive completely within this once its first byte arrived (slowloris), and a
  /// new connection must start its first request within it; also bounds writing a response.
  std::chrono::seconds read_timeout{30};
  /// How long a keep-alive connection may sit between requests.
  std::chrono::seconds idle_timeout{120};
  /// Connections accepted beyond this get 503 and are closed.
  std::size_t max_connections = 50000;
  /// Called on the HTTP thread for every rejected request; must not block.
  std::function<void(rejection, std::string_view remote)> on_rejected;
  /// Called on the HTTP thread when something unexpected happened (accept failed, a callback
  /// threw); must not block. The server carries on.
  std::function<void(std::string_view what)> on_internal_error;
};

}  // namespace wrtc::http
