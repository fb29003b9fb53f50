// One accepted TCP connection: reads requests, hands them to the application, writes answers.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/intrusive/list.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "protocols/http/rejection.hpp"
#include "protocols/http/response.hpp"

namespace wrtc::http {

struct server_context;
class pending_answer;

using connection_hook =
    boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;

/// Serves one keep-alive connection, one request at a time, on the HTTP thread only.
///
/// Phases: idle (waiting for the first byte of a request, idle or read timeout), reading (the
/// whole request must arrive within the read timeout), awaiting_answer (the application holds
/// the request: no timeout, but a client that hangs up is noticed), writing, lingering (after a
/// `Connection: close` answer, unread input is drained briefly so that the client gets to read the
/// answer instead of a reset).
class http_connection : public std::enable_shared_from_this<http_connection>,
                        public connection_hook {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Registers with `ctx`, which must outlive this.
  http_connection(server_context& ctx, boost::asio::ip::tcp::socket socket, std::string remote);

  ~http_connection();

  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  // -- HTTP thread interface -------------------------------------------------

  /// Starts waiting for the first request.
  void start();

  /// Writes the application's answer to request number `sequence`; ignored when that request is
  /// no longer the one awaiting an answer (connection closed meanwhile).
  void deliver(std::uint64_t sequence, response&& r);

  /// Closes the socket and tells a pending answer; idempotent.
  void close();

 private:
  enum class phase { idle, reading, awaiting_answer, writing, lingering, closed };

  using error_code = boost::system::error_code;

  // -- reading ---------------------------------------------------------------

  void wait_for_request(std::chrono::steady_clock::duration timeout);
  void read_request();
  void on_header(error_code ec);
  void read_body();
  void on_body(error_code ec);
  void on_read_error(error_code ec);
  void on_request();

  // -- awaiting the application ----------------------------------------------

  void watch_peer();
  void on_peer_readable(std::uint64_t sequence, error_code ec);

  // -- writing ---------------------------------------------------------------

  void write_response(response&& r);
  void on_write(error_code ec);
  void reject(rejection why, int status, const char* code, const char* message);
  void linger_close();
  void drain();

  // -- timeouts --------------------------------------------------------------

  void arm_timer(std::chrono::steady_clock::duration timeout);
  void disarm_timer();
  void on_timeout();

  // Passed by argument; outlives this.
  server_context& ctx_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  // Counts arms so that an expiry queued before a re-arm or cancel is recognised as stale.
  std::uint64_t timer_generation_ = 0;
  // Bytes read but not yet parsed; emptied and freed between requests.
  boost::beast::flat_buffer buffer_;
  // Allocated by this while reading a request / while writing an answer.
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  std::string remote_;
  phase phase_ = phase::idle;
  // Number of the request the application holds (or last held).
  std::uint64_t sequence_ = 0;
  std::weak_ptr<pending_answer> answer_;
  // Keeps this alive while the application holds the request and no I/O is pending.
  std::shared_ptr<http_connection> self_;
  bool watching_ = false;
  bool keep_alive_ = false;
  bool head_ = false;
  bool close_after_write_ = false;
  std::size_t lingered_bytes_ = 0;
};

/// Every live connection of a server; unlinking happens in the connection's destructor.
using connection_list =
    boost::intrusive::list<http_connection, boost::intrusive::constant_time_size<false>>;

}  // namespace wrtc::http
