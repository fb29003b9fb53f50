// Public face of the SIP stack: sofia-sip nua on its own thread, driven through a command queue.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "protocols/sip/registration.hpp"
#include "protocols/sip/sip_stack_config.hpp"

namespace wrtc::sip {

class sip_command_queue;
class sip_registrar_client;
class sofia_agent;

/// The gateway's SIP endpoint. Every sofia object lives on one thread (the SIP thread) that this
/// class starts and stops; the public members may be called from any thread and only post work
/// to it, they never block on the network.
///
/// On the SIP thread live a sofia_agent (su_root, nua, event routing, inbound requests) and
/// its components, each a sofia_event_sink owning its nua handles: a sip_registrar_client now,
/// an inbound call handler later (installed with sofia_agent::set_inbound_sink()).
class sip_stack {
 public:
  /// Invoked on the SIP thread; must not block and must not destroy the stack.
  using registration_listener = std::function<void(const registration_event&)>;

  // -- constructors and destructors -------------------------------------------

  /// Starts the SIP thread, binds bind_address:port on UDP and TCP and waits until that is done.
  /// Returns nullptr and fills `error` on failure (bad proxy, port in use, address not local...).
  static std::unique_ptr<sip_stack> start(const sip_stack_config& cfg,
                                          registration_listener listener, std::string& error);

  /// Drops every registration without events, shuts nua down and joins the thread; returns at
  /// once (nua has nothing left to wait for). For bindings the registrar accepted, nua sends one
  /// un-REGISTER on its own whose answer is not awaited; call unregister() first and wait for the
  /// events to remove bindings for sure. Must not run on the SIP thread.
  ~sip_stack();

  sip_stack(const sip_stack&) = delete;
  sip_stack& operator=(const sip_stack&) = delete;

  // -- properties -------------------------------------------------------------

  /// Bound port, the same for UDP and TCP (the one picked when the config said 0).
  uint16_t port() const { return port_; }

  /// Host written in our Contact headers.
  const std::string& contact_host() const { return contact_host_; }

  // -- registrations (any thread) --------------------------------------------------

  /// Registers sip:<r.user>@<r.domain> through the proxy; the outcome comes to the listener.
  void register_aor(registration_request r);

  /// Sends REGISTER Expires: 0, then reports `unregistered` with the final status (also when
  /// the un-REGISTER fails or times out, and with status 0 for an unknown id).
  void unregister(uint64_t id);

  /// Forgets a pending or active registration without any event (the caller gave up waiting).
  /// A pending REGISTER is abandoned: nta keeps retransmitting it until timer F and ignores the
  /// answer, so a late 2xx leaves a binding until it expires. For an accepted binding nua sends
  /// one un-REGISTER on its own, answer ignored.
  void cancel(uint64_t id);

 private:
  sip_stack(const sip_stack_config& cfg, registration_listener listener);

  // Body of the SIP thread; `started` gets "" once serving, or the reason it could not start.
  void run(std::promise<std::string>& started);
  void stop_on_sip_thread();
  void post(std::function<void()> work);

  // Copied at construction, read-only afterwards; read by the SIP thread.
  sip_stack_config cfg_;
  registration_listener listener_;

  // Allocated by this; posted to from any thread.
  std::unique_ptr<sip_command_queue> commands_;

  // Written by the SIP thread before start() returns, read-only afterwards.
  uint16_t port_ = 0;
  std::string contact_host_;

  // Allocated, used and destroyed by the SIP thread only.
  std::unique_ptr<sofia_agent> agent_;
  std::unique_ptr<sip_registrar_client> registrar_;

  std::thread thread_;
};

}  // namespace wrtc::sip
