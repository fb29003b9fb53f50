// One HTTP/1.1 client connection kept open between requests, on the caller's io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "apps/loadgen/exchange_result.hpp"

namespace wrtc::loadgen {

/// Sends one request at a time and reads its answer; connects on first use and again whenever the
/// server closed the connection or it sat idle long enough for the server to have dropped it.
/// Not thread-safe: used from the io_context's one thread only.
class keepalive_connection {
 public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;
  using completion = std::function<void(exchange_result)>;

  // -- constructors and destructors ---------------------------------------------------------

  keepalive_connection(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& peer);
  keepalive_connection(const keepalive_connection&) = delete;
  keepalive_connection& operator=(const keepalive_connection&) = delete;

  // -- requests -----------------------------------------------------------------------------

  /// Sends `req` and calls `done` once with the answer or the failure; the whole exchange must
  /// finish within `timeout`. Only one exchange at a time.
  void exchange(request req, std::chrono::steady_clock::duration timeout, completion done);

  /// Closes the socket; an exchange in progress is abandoned without calling its completion.
  void close();

  /// True between `exchange` and its completion.
  bool busy() const { return static_cast<bool>(done_); }

 private:
  void write();
  void read();
  void complete(exchange_result result);
  void fail(const boost::system::error_code& ec, const char* during);

  // Passed by argument.
  boost::asio::ip::tcp::endpoint peer_;
  // Allocated by this.
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  request request_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  completion done_;
  std::chrono::steady_clock::duration timeout_{};
  std::chrono::steady_clock::time_point started_{};
  std::chrono::steady_clock::time_point last_used_{};
  // Bumped by every exchange and by close(): handlers of an abandoned exchange see a stale value.
  std::uint64_t generation_ = 0;
  bool open_ = false;
};

}  // namespace wrtc::loadgen
