// Cross-thread command queue that wakes the SIP thread's su_root through an eventfd.
#include "protocols/sip/sip_command_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

namespace wrtc::sip {

sip_command_queue::sip_command_queue() : event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  // nop
}

sip_command_queue::~sip_command_queue() {
  close();
  if (event_fd_ >= 0) {
    ::close(event_fd_);
  }
}

bool sip_command_queue::post(command cmd) {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (closed_ || event_fd_ < 0) {
      return false;
    }
    pending_.push_back(std::move(cmd));
  }
  // The counter saturates long before it could block, and EAGAIN would still leave it readable.
  uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(event_fd_, &one, sizeof one);
  return true;
}

bool sip_command_queue::attach(su_root_t* root) {
  if (event_fd_ < 0 || root == nullptr) {
    return false;
  }
  if (su_wait_create(wait_, event_fd_, SU_WAIT_IN) != 0) {
    return false;
  }
  int index = su_root_register(root, wait_, &sip_command_queue::on_wakeup, this, 0);
  if (index < 0) {
    su_wait_destroy(wait_);
    return false;
  }
  root_ = root;
  registration_ = index;
  return true;
}

void sip_command_queue::close() {
  std::deque<command> dropped;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    closed_ = true;
    dropped.swap(pending_);
  }
  if (root_ != nullptr && registration_ >= 0) {
    // Deregistering also destroys the su_wait_t the root copied from wait_.
    su_root_deregister(root_, registration_);
  }
  root_ = nullptr;
  registration_ = -1;
}

int sip_command_queue::on_wakeup(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
  static_cast<sip_command_queue*>(arg)->run_pending();
  return 0;
}

void sip_command_queue::run_pending() {
  uint64_t count = 0;
  [[maybe_unused]] auto got = ::read(event_fd_, &count, sizeof count);
  std::deque<command> batch;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    batch.swap(pending_);
  }
  for (auto& cmd : batch) {
    // Once a command has closed the queue, the rest of the batch is dropped like any later post.
    {
      std::lock_guard<std::mutex> guard(mtx_);
      if (closed_) {
        return;
      }
    }
    // An exception must not unwind through sofia's C loop; the stack wraps its commands so that
    // failures are logged before they get here, this is the last line.
    try {
      cmd();
    } catch (...) {
      // nop
    }
  }
}

}  // namespace wrtc::sip
