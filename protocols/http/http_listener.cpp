// The accept loop and the thread of one HTTP server.
#include "protocols/http/http_listener.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <exception>
#include <vector>

#include "protocols/http/http_connection.hpp"
#include "protocols/http/http_thread_gate.hpp"
#include "protocols/http/server_context.hpp"

namespace wrtc::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::milliseconds accept_backoff{100};

std::string format_endpoint(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  auto port = std::to_string(ep.port());
  if (addr.is_v6()) {
    return "[" + addr.to_string() + "]:" + port;
  }
  return addr.to_string() + ":" + port;
}

// Written straight into the socket buffer: a refused client costs no connection object.
const std::string& overload_answer() {
  static const std::string answer = [] {
    std::string body =
        R"({"error":{"code":"too_many_connections","message":"server at connection limit"}})";
    return "HTTP/1.1 503 Service Unavailable\r\nServer: wrtc\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return answer;
}

}  // namespace

// -- constructors and destructors ---------------------------------------------

http_listener::http_listener(server_config cfg, request_handler handler)
    : ioc_(1),
      gate_(std::make_shared<http_thread_gate>(ioc_)),
      acceptor_(ioc_),
      accept_backoff_(ioc_),
      work_(asio::make_work_guard(ioc_)) {
  context_ = std::make_unique<server_context>(std::move(cfg), std::move(handler), gate_);
}

http_listener::~http_listener() {
  stop();
}

// -- lifecycle ----------------------------------------------------------------

bool http_listener::open(std::string& error) {
  boost::system::error_code ec;
  const auto& cfg = context_->config;
  auto addr = asio::ip::make_address(cfg.address, ec);
  if (ec) {
    error = "invalid listen address '" + cfg.address + "': " + ec.message();
    return false;
  }
  tcp::endpoint ep{addr, cfg.port};
  auto where = format_endpoint(ep);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(ep, ec);
  }
  if (!ec) {
    acceptor_.listen(tcp::socket::max_listen_connections, ec);
  }
  if (!ec) {
    port_ = acceptor_.local_endpoint(ec).port();
  }
  if (ec) {
    error = "cannot listen on " + where + ": " + ec.message();
    acceptor_.close(ec);
    return false;
  }
  return true;
}

void http_listener::start() {
  accept();
  thread_ = std::thread{[this] { run(); }};
}

void http_listener::stop() {
  gate_->close();
  if (!thread_.joinable()) {
    return;
  }
  // Posted directly: the gate is closed to everyone else by now.
  asio::post(ioc_, [this] { shutdown_on_thread(); });
  thread_.join();
}

void http_listener::post(std::function<void()> fn) {
  if (!fn) {
    return;
  }
  gate_->post(std::move(fn));
}

// -- HTTP thread --------------------------------------------------------------

void http_listener::run() {
  for (;;) {
    // Handlers guard the application's callbacks; this only catches what slipped through
    // (e.g. a function given to post()), so that the thread keeps serving.
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      context_->report_internal_error(std::string{"exception on the HTTP thread: "} + e.what());
    } catch (...) {
      context_->report_internal_error("exception on the HTTP thread");
    }
  }
}

void http_listener::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void http_listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (context_->stopping || ec == asio::error::operation_aborted) {
    return;
  }
  if (ec) {
    if (ec == asio::error::connection_aborted || ec == asio::error::try_again ||
        ec == asio::error::would_block || ec == asio::error::interrupted) {
      accept();
      return;
    }
    // Out of descriptors or memory: retrying at once would spin the thread.
    context_->report_internal_error("accept failed: " + ec.message());
    accept_backoff_.expires_after(accept_backoff);
    accept_backoff_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && !context_->stopping) {
        accept();
      }
    });
    return;
  }
  auto ep = socket.remote_endpoint(ec);
  if (!ec) {
    auto remote = format_endpoint(ep);
    if (context_->connection_count >= context_->config.max_connections) {
      refuse(socket, remote);
    } else {
      std::make_shared<http_connection>(*context_, std::move(socket), std::move(remote))->start();
    }
  }
  // Else the peer left before we looked: the socket closes on scope exit.
  accept();
}

void http_listener::refuse(tcp::socket& socket, const std::string& remote) {
  context_->report_rejection(rejection::too_many_connections, remote);
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  // Best effort: a fresh socket buffer takes the whole answer at once.
  if (!ec) {
    socket.write_some(asio::buffer(overload_answer()), ec);
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void http_listener::shutdown_on_thread() {
  context_->stopping = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  accept_backoff_.cancel();
  // Closing may destroy a connection, which unlinks it: walk a snapshot.
  std::vector<std::shared_ptr<http_connection>> open;
  for (auto& c : context_->connections) {
    if (auto p = c.weak_from_this().lock()) {
      open.push_back(std::move(p));
    }
  }
  for (auto& c : open) {
    c->close();
  }
  open.clear();
  work_.reset();
  // Handlers still queued (aborted operations) are destroyed with the io_context instead.
  ioc_.stop();
}

}  // namespace wrtc::http
