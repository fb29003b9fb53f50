// The shared state behind every copy of one request's responder.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "protocols/http/response.hpp"

namespace wrtc::http {

class http_connection;
class http_thread_gate;

/// Carries at most one answer from any thread back to the connection that asked. Holds the
/// connection weakly: a client that left, or a server that stopped, turns answering into a no-op.
class pending_answer {
 public:
  // -- constructors and destructors ------------------------------------------

  /// `sequence` identifies the request on its connection.
  pending_answer(std::weak_ptr<http_connection> connection, std::uint64_t sequence,
                 std::shared_ptr<http_thread_gate> gate);

  /// Answers 500 when the application dropped every responder without answering, so that the
  /// client does not wait until its own timeout.
  ~pending_answer();

  pending_answer(const pending_answer&) = delete;
  pending_answer& operator=(const pending_answer&) = delete;

  // -- answering (any thread) ------------------------------------------------

  /// Posts `r` to the connection unless an answer was given already.
  void answer(response&& r);

  /// Whether an answer was given.
  bool answered() const { return answered_.load(std::memory_order_acquire); }

  /// Whether the connection is known to be gone.
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  // -- connection side (HTTP thread) -----------------------------------------

  /// Called by the connection when it closes before the answer was written.
  void mark_closed() { closed_.store(true, std::memory_order_release); }

 private:
  void post(response&& r);

  // Written from any thread.
  std::atomic<bool> answered_{false};
  // Written by the HTTP thread, read from any thread.
  std::atomic<bool> closed_{false};
  // Passed by argument; immutable.
  const std::weak_ptr<http_connection> connection_;
  const std::uint64_t sequence_;
  const std::shared_ptr<http_thread_gate> gate_;
};

}  // namespace wrtc::http
