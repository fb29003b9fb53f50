// Asynchronous HTTP client: one libcurl multi handle driven by its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wrtc::http_client {

/// One outgoing request.
struct outgoing_request {
  std::string method = "GET";
  std::string url;
  /// Full header lines, e.g. "Authorization: Bearer x".
  std::vector<std::string> headers;
  std::string body;
  /// HTTP Basic credentials; used when `basic_user` is not empty.
  std::string basic_user;
  std::string basic_password;
  /// Whole-transfer deadline.
  std::chrono::milliseconds timeout{3000};
};

/// The outcome of one request: a status from the server, or a transport error (status 0).
struct incoming_response {
  int status = 0;
  std::string body;
  /// Transport error text when status is 0 (refused, timed out, bad URL).
  std::string error;
  /// Whether the failure was the deadline.
  bool timed_out = false;
};

/// Runs transfers on one thread; `fetch` may be called from any thread and never blocks on I/O.
/// Completion callbacks run on the client's thread and must not block.
class http_client {
 public:
  using completion = std::function<void(incoming_response&&)>;

  /// Starts the thread. Caps the response body at `max_response_bytes`.
  explicit http_client(std::size_t max_response_bytes = 1 << 20);

  /// Aborts pending transfers (their callbacks run with an error) and joins the thread.
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Queues a request; `done` is called exactly once.
  void fetch(outgoing_request req, completion done);

  /// One transfer in flight (defined in the implementation file).
  struct transfer;

 private:
  void run();

  std::size_t max_response_bytes_;
  // Guarded by mtx_: requests handed over from other threads.
  std::mutex mtx_;
  std::vector<std::unique_ptr<transfer>> incoming_;
  bool stopping_ = false;
  // Owned by the client thread after construction.
  void* multi_ = nullptr;
  std::thread thread_;
};

}  // namespace wrtc::http_client
