// The outcome of one HTTP request on a keep-alive connection.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>

namespace wrtc::loadgen {

/// Either an HTTP answer (`failure` empty) or why none arrived.
struct exchange_result {
  /// Empty when an answer arrived; otherwise a short key for tallies: `connect_failed`,
  /// `timeout`, `connection_closed`, `io_error`, `aborted`.
  std::string failure;
  /// What went wrong in words, for the first example kept per key.
  std::string detail;
  boost::beast::http::response<boost::beast::http::string_body> response;
  /// From the first byte written (or the connect, when the connection was opened for it) to the
  /// last byte of the answer.
  std::chrono::steady_clock::duration elapsed{};

  bool answered() const { return failure.empty(); }
  unsigned status() const { return answered() ? response.result_int() : 0; }
};

}  // namespace wrtc::loadgen
