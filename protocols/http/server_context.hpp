// What the listener shares with every connection of one server.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "protocols/http/http_connection.hpp"
#include "protocols/http/request_handler.hpp"
#include "protocols/http/server_config.hpp"

namespace wrtc::http {

class http_thread_gate;

/// Settings, callbacks and bookkeeping of one server. Lives on the HTTP thread: only that thread
/// touches it while the server runs. Outlives every connection (destroyed after the io_context).
struct server_context {
  server_context(server_config cfg, request_handler h, std::shared_ptr<http_thread_gate> g)
      : config(std::move(cfg)), handler(std::move(h)), gate(std::move(g)) {}

  /// Reports a rejected request; a throwing callback must not take the server down.
  void report_rejection(rejection r, std::string_view remote) const noexcept {
    if (!config.on_rejected) {
      return;
    }
    try {
      config.on_rejected(r, remote);
    } catch (...) {
      report_internal_error("on_rejected threw");
    }
  }

  /// Reports something unexpected; the server carries on.
  void report_internal_error(std::string_view what) const noexcept {
    if (!config.on_internal_error) {
      return;
    }
    try {
      config.on_internal_error(what);
    } catch (...) {
      // nop: nothing left to tell
    }
  }

  const server_config config;
  const request_handler handler;
  /// Shared with every pending answer.
  const std::shared_ptr<http_thread_gate> gate;
  /// Every live connection, for closing them at shutdown; connections unlink themselves.
  connection_list connections;
  std::size_t connection_count = 0;
  bool stopping = false;
};

}  // namespace wrtc::http
