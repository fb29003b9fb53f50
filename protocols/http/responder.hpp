// The one-shot handle the application answers a request with.
#pragma once

#include <memory>

#include "protocols/http/response.hpp"

namespace wrtc::http {

class pending_answer;

/// Answers one request. Copyable; callable from any thread: the write is posted to the server's
/// thread. Only the first answer counts; answering after the client went away or after the server
/// stopped does nothing. When the last copy is dropped unanswered, the client gets a 500 so that
/// its connection is not held forever.
class responder {
 public:
  // -- constructors ----------------------------------------------------------

  /// A responder for no request: `respond` does nothing and `closed()` is true.
  responder() = default;

  /// Used by the server.
  explicit responder(std::shared_ptr<pending_answer> answer) : answer_(std::move(answer)) {}

  // -- answering -------------------------------------------------------------

  /// Sends `r` unless this request was answered already.
  void respond(response r) const;

  /// Whether the client connection is gone or the server stopped. Best effort: a hang-up is
  /// noticed while the request waits, except behind a client's own pipelined bytes; a client that
  /// half-closes its side counts as gone.
  bool closed() const;

  /// Whether `respond` was called already (on any copy).
  bool answered() const;

 private:
  // Shared by every copy.
  std::shared_ptr<pending_answer> answer_;
};

}  // namespace wrtc::http
