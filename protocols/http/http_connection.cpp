// One accepted TCP connection: reads requests, hands them to the application, writes answers.
#include "protocols/http/http_connection.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <limits>

#include "protocols/http/http_thread_gate.hpp"
#include "protocols/http/pending_answer.hpp"
#include "protocols/http/request_target.hpp"
#include "protocols/http/server_context.hpp"

namespace wrtc::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Holds a typical browser request in one read without keeping much per idle connection.
constexpr std::size_t initial_buffer_bytes = 2048;
// Room beyond the header limit so that the parser, not the buffer, reports an oversized header.
constexpr std::size_t buffer_slack_bytes = 4096;
// Draining after a `Connection: close` answer stops after this much input or time.
constexpr std::size_t linger_max_bytes = 1 << 20;
constexpr std::chrono::seconds linger_max_time{5};

constexpr char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return c != '\0' && std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

// The application's headers reach the wire verbatim: anything that could end the header line
// early would let a value smuggle its own headers or body.
bool is_safe_header(const std::string& name, const std::string& value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar)) {
    return false;
  }
  return value.find_first_of(std::string_view{"\r\n\0", 3}) == std::string::npos;
}

response error_response(int status, std::string_view code, std::string_view message) {
  response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body.reserve(40 + code.size() + message.size());
  r.body.append(R"({"error":{"code":")").append(code).append(R"(","message":")");
  r.body.append(message).append(R"("}})");
  return r;
}

const boost::system::error_category& parser_category() {
  return bhttp::make_error_code(bhttp::error::bad_method).category();
}

}  // namespace

// -- constructors and destructors ---------------------------------------------

http_connection::http_connection(server_context& ctx, boost::asio::ip::tcp::socket socket,
                                 std::string remote)
    : ctx_(ctx),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      buffer_(ctx.config.max_header_bytes + buffer_slack_bytes),
      remote_(std::move(remote)) {
  ctx_.connections.push_back(*this);
  ++ctx_.connection_count;
}

http_connection::~http_connection() {
  --ctx_.connection_count;
}

// -- HTTP thread interface ----------------------------------------------------

void http_connection::start() {
  error_code ec;
  // Answers go out in one gather write; Nagle would only delay the next request's answer.
  socket_.set_option(asio::ip::tcp::no_delay{true}, ec);
  // The peer watch peeks synchronously and must never block the thread.
  socket_.non_blocking(true, ec);
  if (ec) {
    close();
    return;
  }
  wait_for_request(ctx_.config.read_timeout);
}

void http_connection::deliver(std::uint64_t sequence, response&& r) {
  if (phase_ != phase::awaiting_answer || sequence != sequence_) {
    return;
  }
  auto keep = std::move(self_);
  answer_.reset();
  if (watching_) {
    watching_ = false;
    error_code ec;
    socket_.cancel(ec);
  }
  write_response(std::move(r));
}

void http_connection::close() {
  if (phase_ == phase::closed) {
    return;
  }
  phase_ = phase::closed;
  disarm_timer();
  error_code ec;
  socket_.close(ec);
  if (auto a = answer_.lock()) {
    a->mark_closed();
  }
  answer_.reset();
  // Pending operations still reference buffer_, parser_ and response_: those die with this.
  auto keep = std::move(self_);
}

// -- reading ------------------------------------------------------------------

void http_connection::wait_for_request(std::chrono::steady_clock::duration timeout) {
  if (buffer_.size() > 0) {
    // A pipelined request is already here.
    read_request();
    return;
  }
  // An idle connection holds no buffer: 10k idle keep-alives cost sockets, not memory.
  buffer_.shrink_to_fit();
  phase_ = phase::idle;
  arm_timer(timeout);
  socket_.async_wait(asio::ip::tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
    if (self->phase_ != phase::idle) {
      return;
    }
    if (ec) {
      self->close();
      return;
    }
    self->read_request();
  });
}

void http_connection::read_request() {
  phase_ = phase::reading;
  arm_timer(ctx_.config.read_timeout);
  auto& p = parser_.emplace();
  p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
      ctx_.config.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  p.body_limit(ctx_.config.max_body_bytes);
  if (buffer_.capacity() < initial_buffer_bytes && buffer_.max_size() > initial_buffer_bytes) {
    buffer_.reserve(initial_buffer_bytes);
  }
  bhttp::async_read_header(
      socket_, buffer_, p,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

void http_connection::on_header(error_code ec) {
  if (phase_ != phase::reading) {
    return;
  }
  if (ec) {
    on_read_error(ec);
    return;
  }
  const auto& msg = parser_->get();
  if (msg.version() < 10 || msg.version() >= 20) {
    reject(rejection::malformed, 400, "bad_request", "unsupported HTTP version");
    return;
  }
  if (static_cast<std::size_t>(std::distance(msg.begin(), msg.end())) >
      ctx_.config.max_header_count) {
    reject(rejection::header_too_large, 431, "header_too_large", "too many header fields");
    return;
  }
  // RFC 9112 6.3: a request whose last transfer coding is not chunked has no knowable length;
  // reading on would let the rest be taken for another request (smuggling).
  if (msg.count(bhttp::field::transfer_encoding) > 0 && !parser_->chunked()) {
    reject(rejection::malformed, 400, "bad_request", "unsupported transfer encoding");
    return;
  }
  if (parser_->is_done()) {
    on_request();
    return;
  }
  auto expect = msg[bhttp::field::expect];
  if (!expect.empty()) {
    if (!beast::iequals(expect, "100-continue")) {
      reject(rejection::malformed, 417, "expectation_failed", "unsupported expectation");
      return;
    }
    // Clients that ask wait a while for this before sending the body.
    if (msg.version() >= 11) {
      asio::async_write(socket_, asio::buffer(continue_line, sizeof(continue_line) - 1),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                          if (self->phase_ != phase::reading) {
                            return;
                          }
                          if (ec) {
                            self->close();
                            return;
                          }
                          self->read_body();
                        });
      return;
    }
  }
  read_body();
}

void http_connection::read_body() {
  bhttp::async_read(socket_, buffer_, *parser_,
                    [self = shared_from_this()](error_code ec, std::size_t) { self->on_body(ec); });
}

void http_connection::on_body(error_code ec) {
  if (phase_ != phase::reading) {
    return;
  }
  if (ec) {
    on_read_error(ec);
    return;
  }
  on_request();
}

void http_connection::on_read_error(error_code ec) {
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    reject(rejection::header_too_large, 431, "header_too_large", "request header too large");
  } else if (ec == bhttp::error::body_limit) {
    reject(rejection::body_too_large, 413, "body_too_large", "request body too large");
  } else if (ec.category() == parser_category() && ec != bhttp::error::end_of_stream) {
    // Includes partial_message: the client stopped sending mid-request but may still read.
    reject(rejection::malformed, 400, "bad_request", "malformed request");
  } else {
    // end_of_stream: the client closed between requests, nothing was asked. Otherwise reset,
    // aborted or closed by a timeout: there is nobody to answer.
    close();
  }
}

static bool fields_within_limits(const bhttp::request<bhttp::string_body>& msg,
                                 const server_config& cfg) {
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const auto& f : msg) {
    ++count;
    bytes += f.name_string().size() + f.value().size() + 4;
  }
  return count <= cfg.max_header_count && bytes <= cfg.max_header_bytes;
}

void http_connection::on_request() {
  disarm_timer();
  auto msg = parser_->release();
  parser_.reset();
  request req;
  if (!split_request_target(msg.target(), req.path, req.query)) {
    reject(rejection::malformed, 400, "bad_request", "invalid request target");
    return;
  }
  // Chunked trailers join the header fields after on_header checked them: check again.
  if (!fields_within_limits(msg, ctx_.config)) {
    reject(rejection::header_too_large, 431, "header_too_large", "too many header or trailer fields");
    return;
  }
  req.method.assign(msg.method_string());
  req.version = msg.version();
  req.headers.reserve(static_cast<std::size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& f : msg) {
    req.headers.emplace_back(f.name_string(), f.value());
  }
  req.body = std::move(msg.body());
  req.remote_address = remote_;
  keep_alive_ = msg.keep_alive();
  head_ = msg.method() == bhttp::verb::head;

  auto answer = std::make_shared<pending_answer>(weak_from_this(), ++sequence_, ctx_.gate);
  answer_ = answer;
  self_ = shared_from_this();
  phase_ = phase::awaiting_answer;
  // Thousands of long-polls wait here: keep no buffer, but notice a client that hangs up.
  if (buffer_.size() == 0) {
    buffer_.shrink_to_fit();
  }
  watch_peer();
  responder res{std::move(answer)};
  try {
    ctx_.handler(std::move(req), res);
  } catch (const std::exception& e) {
    ctx_.report_internal_error(std::string{"request handler threw: "} + e.what());
    res.respond(error_response(500, "internal_error", "internal error"));
  } catch (...) {
    ctx_.report_internal_error("request handler threw");
    res.respond(error_response(500, "internal_error", "internal error"));
  }
}

// -- awaiting the application -------------------------------------------------

void http_connection::watch_peer() {
  watching_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this(), sequence = sequence_](error_code ec) {
                       self->on_peer_readable(sequence, ec);
                     });
}

void http_connection::on_peer_readable(std::uint64_t sequence, error_code ec) {
  if (phase_ != phase::awaiting_answer || sequence != sequence_ || !watching_) {
    return;
  }
  watching_ = false;
  if (ec) {
    return;
  }
  char byte = 0;
  auto n = socket_.receive(asio::buffer(&byte, 1), asio::ip::tcp::socket::message_peek, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again ||
      ec == asio::error::interrupted) {
    watch_peer();
    return;
  }
  // More of a pipelined request: it is read once this one is answered; a hang-up behind it
  // only shows when writing.
  if (!ec && n > 0) {
    return;
  }
  // EOF or reset: the client gave up waiting (a half-close counts too, as it does for nginx).
  close();
}

// -- writing ------------------------------------------------------------------

void http_connection::write_response(response&& r) {
  if (r.status < 200 || r.status > 599) {
    ctx_.report_internal_error("response status out of range, answered 500");
    r = error_response(500, "internal_error", "internal error");
  }
  auto& res = response_.emplace();
  res.version(11);
  res.result(static_cast<unsigned>(r.status));
  bool app_closes = false;
  bool has_server = false;
  for (const auto& [name, value] : r.headers) {
    if (!is_safe_header(name, value)) {
      continue;
    }
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding")) {
      continue;
    }
    if (beast::iequals(name, "Connection")) {
      for (auto token : bhttp::token_list{value}) {
        if (beast::iequals(token, "close")) {
          app_closes = true;
        }
      }
      continue;
    }
    if (beast::iequals(name, "Server")) {
      has_server = true;
    }
    res.insert(name, value);
  }
  if (!has_server) {
    res.set(bhttp::field::server, "wrtc");
  }
  close_after_write_ = !keep_alive_ || app_closes || ctx_.stopping;
  res.set(bhttp::field::connection, close_after_write_ ? "close" : "keep-alive");
  // RFC 9110 8.6: no Content-Length on 204; a 304 has no body to measure.
  if (r.status != 204 && r.status != 304) {
    res.content_length(r.body.size());
    if (!head_) {
      res.body() = std::move(r.body);
    }
  }
  phase_ = phase::writing;
  arm_timer(ctx_.config.read_timeout);
  bhttp::async_write(socket_, res, [self = shared_from_this()](error_code ec, std::size_t) {
    self->on_write(ec);
  });
}

void http_connection::on_write(error_code ec) {
  if (phase_ != phase::writing) {
    return;
  }
  disarm_timer();
  response_.reset();
  if (ec) {
    close();
    return;
  }
  if (close_after_write_) {
    linger_close();
    return;
  }
  wait_for_request(ctx_.config.idle_timeout);
}

void http_connection::reject(rejection why, int status, const char* code, const char* message) {
  ctx_.report_rejection(why, remote_);
  parser_.reset();
  keep_alive_ = false;
  head_ = false;
  write_response(error_response(status, code, message));
}

void http_connection::linger_close() {
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    close();
    return;
  }
  phase_ = phase::lingering;
  lingered_bytes_ = 0;
  buffer_.clear();
  arm_timer(
      std::min<std::chrono::steady_clock::duration>(ctx_.config.read_timeout, linger_max_time));
  drain();
}

void http_connection::drain() {
  auto space = buffer_.prepare(std::min(buffer_.max_size(), initial_buffer_bytes));
  socket_.async_read_some(space, [self = shared_from_this()](error_code ec, std::size_t n) {
    if (self->phase_ != phase::lingering) {
      return;
    }
    self->lingered_bytes_ += n;
    if (ec || self->lingered_bytes_ > linger_max_bytes) {
      self->close();
      return;
    }
    self->drain();
  });
}

// -- timeouts -----------------------------------------------------------------

void http_connection::arm_timer(std::chrono::steady_clock::duration timeout) {
  auto generation = ++timer_generation_;
  timer_.expires_after(timeout);
  // Weak: the pending I/O or self_ keeps this alive; the timer only ends it.
  timer_.async_wait([weak = weak_from_this(), generation](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || generation != self->timer_generation_) {
      return;
    }
    self->on_timeout();
  });
}

void http_connection::disarm_timer() {
  ++timer_generation_;
  timer_.cancel();
}

void http_connection::on_timeout() {
  switch (phase_) {
    case phase::reading:
      // Bytes of a request arrived but not all of it in time: slowloris or a broken client.
      ctx_.report_rejection(rejection::timeout, remote_);
      close();
      break;
    case phase::idle:
    case phase::writing:
    case phase::lingering:
      close();
      break;
    case phase::awaiting_answer:
    case phase::closed:
      break;
  }
}

}  // namespace wrtc::http
