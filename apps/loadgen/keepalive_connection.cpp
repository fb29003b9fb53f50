// HTTP/1.1 keep-alive client connection built on Beast.
#include "apps/loadgen/keepalive_connection.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

namespace wrtc::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Servers drop idle keep-alive connections (the gateway after 120 s); reconnecting before reuse
// after this long avoids counting the server's housekeeping as a failed request.
constexpr auto max_idle_reuse = std::chrono::seconds{20};

// Answers of the signalling API and the metrics page are small; anything this large is wrong.
constexpr std::uint64_t max_body_bytes = std::uint64_t{8} * 1024 * 1024;

}  // namespace

keepalive_connection::keepalive_connection(asio::io_context& io,
                                           const asio::ip::tcp::endpoint& peer)
    : peer_(peer), stream_(io) {
  // nop
}

void keepalive_connection::exchange(request req, std::chrono::steady_clock::duration timeout,
                                    completion done) {
  request_ = std::move(req);
  done_ = std::move(done);
  ++generation_;
  timeout_ = timeout;
  started_ = std::chrono::steady_clock::now();
  if (open_ && started_ - last_used_ > max_idle_reuse) {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    open_ = false;
  }
  if (open_) {
    write();
    return;
  }
  stream_.expires_after(timeout_);
  stream_.async_connect(peer_, [this, gen = generation_](const beast::error_code& ec) {
    if (gen != generation_) {
      return;  // closed by the owner meanwhile
    }
    if (ec) {
      fail(ec, "connect");
      return;
    }
    open_ = true;
    beast::error_code ignored;
    stream_.socket().set_option(asio::ip::tcp::no_delay{true}, ignored);
    write();
  });
}

void keepalive_connection::write() {
  stream_.expires_at(started_ + timeout_);
  http::async_write(stream_, request_,
                    [this, gen = generation_](const beast::error_code& ec, std::size_t) {
                      if (gen != generation_) {
                        return;
                      }
                      if (ec) {
                        fail(ec, "write");
                        return;
                      }
                      read();
                    });
}

void keepalive_connection::read() {
  parser_.emplace();
  parser_->body_limit(max_body_bytes);
  stream_.expires_at(started_ + timeout_);
  http::async_read(stream_, buffer_, *parser_,
                   [this, gen = generation_](const beast::error_code& ec, std::size_t) {
                     if (gen != generation_) {
                       return;
                     }
                     if (ec) {
                       fail(ec, "read");
                       return;
                     }
                     exchange_result result;
                     result.response = parser_->release();
                     result.elapsed = std::chrono::steady_clock::now() - started_;
                     parser_.reset();
                     last_used_ = std::chrono::steady_clock::now();
                     stream_.expires_never();
                     if (!result.response.keep_alive()) {
                       beast::error_code ignored;
                       stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                       stream_.socket().close(ignored);
                       open_ = false;
                     }
                     // Idle connections keep no read buffer: 10k of them would otherwise hold 10k
                     // buffers.
                     buffer_.clear();
                     buffer_.shrink_to_fit();
                     complete(std::move(result));
                   });
}

void keepalive_connection::fail(const beast::error_code& ec, const char* during) {
  exchange_result result;
  if (ec == beast::error::timeout) {
    result.failure = "timeout";
  } else if (std::string_view{during} == "connect") {
    result.failure = "connect_failed";
  } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
             ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
             ec == http::error::partial_message) {
    result.failure = "connection_closed";
  } else if (ec == asio::error::operation_aborted) {
    result.failure = "aborted";
  } else {
    result.failure = "io_error";
  }
  result.detail = std::string{during} + ": " + ec.message();
  result.elapsed = std::chrono::steady_clock::now() - started_;
  beast::error_code ignored;
  stream_.socket().close(ignored);
  open_ = false;
  parser_.reset();
  buffer_.clear();
  complete(std::move(result));
}

void keepalive_connection::complete(exchange_result result) {
  // The completion may start the next exchange on this connection: release it first.
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(result));
}

void keepalive_connection::close() {
  done_ = nullptr;
  ++generation_;
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  open_ = false;
  parser_.reset();
}

}  // namespace wrtc::loadgen
