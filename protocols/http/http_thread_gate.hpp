// The one door through which other threads post work onto the HTTP thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <utility>

namespace wrtc::http {

/// Lets responders and owners post to the io_context while it runs, and makes posting a no-op
/// once the server shuts down, so that nothing touches an io_context being destroyed. Shared by
/// the server and every pending answer, which may outlive it.
class http_thread_gate {
 public:
  /// `ioc` must stay alive until `close()` returned.
  explicit http_thread_gate(boost::asio::io_context& ioc) : ioc_(&ioc) {}

  /// Posts `fn` onto the HTTP thread; false (and `fn` dropped) once closed.
  template <class F>
  bool post(F&& fn) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (ioc_ == nullptr) {
      return false;
    }
    boost::asio::post(*ioc_, std::forward<F>(fn));
    return true;
  }

  /// Refuses every later post; returns after any post in flight finished.
  void close() {
    std::lock_guard<std::mutex> guard{mtx_};
    ioc_ = nullptr;
  }

 private:
  // Touched from any thread: guarded by mtx_. Null once closed.
  std::mutex mtx_;
  boost::asio::io_context* ioc_;
};

}  // namespace wrtc::http
