// The HTTP/1.1 signalling server: Boost.Beast on one io_context thread of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "protocols/http/rejection.hpp"
#include "protocols/http/request.hpp"
#include "protocols/http/request_handler.hpp"
#include "protocols/http/responder.hpp"
#include "protocols/http/response.hpp"
#include "protocols/http/server_config.hpp"

namespace wrtc::http {

class http_listener;

/// Serves keep-alive HTTP/1.1, one request at a time per connection, and hands every complete
/// request to the application. A request the application holds (long-poll) is never timed out by
/// the server. What the server refuses itself (malformed, too large, too slow, too many
/// connections) it answers with the project's JSON error body and reports through `on_rejected`.
class http_server {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Binds and starts the io_context thread; nullptr and `error` filled on failure (address in
  /// use, bad address, no handler).
  static std::unique_ptr<http_server> start(const server_config& cfg, request_handler handler,
                                            std::string& error);

  /// Stops cleanly: closes the acceptor and every connection and joins the thread. Responders
  /// still held elsewhere become no-ops. Must not run on the HTTP thread (i.e. not from a handler).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // -- any thread ------------------------------------------------------------

  /// The bound port (the chosen one when configured with port 0).
  uint16_t port() const;

  /// Posts `fn` onto the HTTP thread (for the owner's timers); dropped once the server stops.
  void post(std::function<void()> fn);

 private:
  explicit http_server(std::unique_ptr<http_listener> listener);

  // Allocated by this.
  std::unique_ptr<http_listener> listener_;
};

}  // namespace wrtc::http
