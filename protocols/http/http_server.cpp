// The HTTP/1.1 signalling server: Boost.Beast on one io_context thread of its own.
#include "protocols/http/http_server.hpp"

#include <limits>

#include "protocols/http/http_listener.hpp"

namespace wrtc::http {

std::unique_ptr<http_server> http_server::start(const server_config& cfg, request_handler handler,
                                                std::string& error) {
  if (!handler) {
    error = "no request handler";
    return nullptr;
  }
  // The parser counts the header limit in 32 bits.
  if (cfg.max_header_bytes == 0 ||
      cfg.max_header_bytes > std::numeric_limits<std::uint32_t>::max()) {
    error = "max_header_bytes out of range";
    return nullptr;
  }
  if (cfg.read_timeout.count() <= 0 || cfg.idle_timeout.count() <= 0) {
    error = "timeouts must be positive";
    return nullptr;
  }
  auto listener = std::make_unique<http_listener>(cfg, std::move(handler));
  if (!listener->open(error)) {
    return nullptr;
  }
  listener->start();
  return std::unique_ptr<http_server>{new http_server(std::move(listener))};
}

http_server::http_server(std::unique_ptr<http_listener> listener) : listener_(std::move(listener)) {
  // nop
}

http_server::~http_server() {
  listener_->stop();
}

uint16_t http_server::port() const {
  return listener_->port();
}

void http_server::post(std::function<void()> fn) {
  listener_->post(std::move(fn));
}

}  // namespace wrtc::http
