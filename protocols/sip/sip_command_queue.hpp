// Cross-thread command queue that wakes the SIP thread's su_root through an eventfd.
#pragma once

#include <sofia-sip/su_wait.h>

#include <deque>
#include <functional>
#include <mutex>

namespace wrtc::sip {

/// Hands work from any thread to the SIP thread.
///
/// Why an eventfd rather than su_msg: su_msg needs a sofia task on the sending side, which would
/// drag sofia state into CAF threads; an eventfd registered with su_root_register() is one more
/// descriptor the loop polls, and posting is a lock plus an 8-byte write that never blocks.
/// Commands run in posting order, outside the lock, so they may post further commands.
class sip_command_queue {
 public:
  using command = std::function<void()>;

  // -- constructors and destructors -------------------------------------------

  /// Creates the eventfd; valid() tells whether that worked.
  sip_command_queue();
  ~sip_command_queue();

  sip_command_queue(const sip_command_queue&) = delete;
  sip_command_queue& operator=(const sip_command_queue&) = delete;

  /// Whether the eventfd exists.
  bool valid() const { return event_fd_ >= 0; }

  // -- any thread ---------------------------------------------------------------

  /// Queues `cmd` and wakes the loop. Returns false (and drops `cmd`) once the queue is closed.
  bool post(command cmd);

  // -- SIP thread ---------------------------------------------------------------

  /// Starts running commands from `root`'s loop. Commands posted earlier run on the first turn.
  bool attach(su_root_t* root);

  /// Stops accepting commands, drops those not yet run and leaves the loop.
  void close();

 private:
  static int on_wakeup(su_root_magic_t* magic, su_wait_t* wait, su_wakeup_arg_t* arg);
  void run_pending();

  // Guarded by mtx_; touched by every posting thread and the SIP thread.
  std::mutex mtx_;
  std::deque<command> pending_;
  bool closed_ = false;

  // Owned by this.
  int event_fd_ = -1;

  // SIP thread only. Passed by attach(); the registration index is ours.
  su_root_t* root_ = nullptr;
  int registration_ = -1;
  su_wait_t wait_[1] = {};
};

}  // namespace wrtc::sip
