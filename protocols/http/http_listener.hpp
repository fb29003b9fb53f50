// The accept loop and the thread of one HTTP server.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "protocols/http/request_handler.hpp"
#include "protocols/http/server_config.hpp"

namespace wrtc::http {

struct server_context;
class http_thread_gate;

/// Owns the io_context, its thread, the acceptor and (through the context) every connection.
class http_listener {
 public:
  // -- constructors and destructors ------------------------------------------

  http_listener(server_config cfg, request_handler handler);

  /// Stops if still running.
  ~http_listener();

  http_listener(const http_listener&) = delete;
  http_listener& operator=(const http_listener&) = delete;

  // -- lifecycle (owner's thread) --------------------------------------------

  /// Binds and listens; false with `error` filled when the address is bad or taken.
  bool open(std::string& error);

  /// Starts accepting on a new thread; call once after `open` succeeded.
  void start();

  /// Closes the acceptor and every connection, then joins the thread. Idempotent. Must not be
  /// called from the HTTP thread itself.
  void stop();

  // -- any thread ------------------------------------------------------------

  /// The bound port.
  uint16_t port() const { return port_; }

  /// Runs `fn` on the HTTP thread; dropped once stopping.
  void post(std::function<void()> fn);

 private:
  void accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void refuse(boost::asio::ip::tcp::socket& socket, const std::string& remote);
  void shutdown_on_thread();
  void run();

  // Allocated by this. Declared first so that it outlives the io_context: connections destroyed
  // along with pending handlers still unlink from it.
  std::unique_ptr<server_context> context_;
  boost::asio::io_context ioc_;
  std::shared_ptr<http_thread_gate> gate_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Delays the next accept after running out of descriptors, instead of spinning.
  boost::asio::steady_timer accept_backoff_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace wrtc::http
