// Public face of the SIP stack: sofia-sip nua on its own thread, driven through a command queue.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "protocols/sip/call.hpp"
#include "protocols/sip/registration.hpp"
#include "protocols/sip/sip_stack_config.hpp"

namespace wrtc::sip {

class sip_call_handler;
class sip_command_queue;
class sip_registrar_client;
class sofia_agent;

/// The gateway's SIP endpoint. Every sofia object lives on one thread (the SIP thread) that this
/// class starts and stops; the public members may be called from any thread and only post work
/// to it, they never block on the network.
///
/// On the SIP thread live a sofia_agent (su_root, nua, event routing, inbound requests) and
/// its components, each a sofia_event_sink owning its nua handles: a sip_registrar_client and a
/// sip_call_handler (also the agent's inbound sink when there is a call listener).
///
/// Calls: outgoing ones carry ids the application picks (high bit clear); incoming ones get ids
/// the stack allocates with incoming_call_id_bit set, so the two never clash. Every call id
/// reported or passed to invite() sees exactly one `ended` event, its last (none after the
/// stack stopped). Commands for call ids the stack does not know (never existed, or already
/// ended) are ignored: a hangup() racing the far end's BYE yields the BYE's `ended` only.
/// Without a call listener every incoming INVITE is answered 480 Temporarily Unavailable.
///
/// Incoming calls are routed by the Contact of our registrations, which carries
/// ";wrtc-reg=<registration id>": the proxy copies it into the Request-URI and the `incoming`
/// event reports it as registration_id. INVITEs without SDP (late offer, not supported yet) are
/// answered 488 and those with a body other than application/sdp 415, before any event. An
/// incoming INVITE the application leaves without a final answer for cfg.answer_timeout (60 s)
/// is answered 480 by the stack (ended: timeout); an outgoing one without a final answer after
/// cfg.invite_timeout is cancelled (ended: timeout, 408).
class sip_stack {
 public:
  /// Invoked on the SIP thread; must not block and must not destroy the stack.
  using registration_listener = std::function<void(const registration_event&)>;
  /// Invoked on the SIP thread; must not block and must not destroy the stack. May call the
  /// stack's commands (they are queued).
  using call_listener = std::function<void(const call_event&)>;

  // -- constructors and destructors -------------------------------------------

  /// Starts the SIP thread, binds bind_address:port on UDP and TCP and waits until that is done.
  /// Returns nullptr and fills `error` on failure (bad proxy, port in use, address not local...).
  static std::unique_ptr<sip_stack> start(const sip_stack_config& cfg,
                                          registration_listener listener, std::string& error);

  /// Like the above, and reports calls to `calls`, which then decides about incoming INVITEs.
  static std::unique_ptr<sip_stack> start(const sip_stack_config& cfg,
                                          registration_listener registrations, call_listener calls,
                                          std::string& error);

  /// Drops every registration and call without events, shuts nua down and joins the thread;
  /// returns at once (nua has nothing left to wait for). For bindings the registrar accepted,
  /// nua sends one un-REGISTER on its own whose answer is not awaited; call unregister() first
  /// and wait for the events to remove bindings for sure. Calls get a BYE, a CANCEL or a 480,
  /// answers not awaited. Must not run on the SIP thread.
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

  // -- calls (any thread) ---------------------------------------------------------

  /// Sends an INVITE to sip:<c.to>@<c.domain> (or the URI in c.to) through the outbound proxy,
  /// answering one digest challenge (401/407) with c.auth_user/c.auth_password. Events:
  /// provisional (180/183...), answered (the 2xx; the stack ACKs it), ended. A request that
  /// cannot be sent ends at once (reason invalid_request); an id in the incoming range or
  /// already in use is ignored (logged).
  void invite(outgoing_call c);

  /// 200 OK with `sdp` to an incoming INVITE; `answered` follows when the ACK arrives.
  void answer(uint64_t call_id, std::string sdp);

  /// To an incoming INVITE not answered yet: 180 Ringing, 183 Session Progress (any 101-199),
  /// or a final rejection (300-699; the call ends with reason local_reject). An empty phrase
  /// becomes the standard one.
  void respond(uint64_t call_id, int status, std::string phrase);

  /// respond() with an SDP body on a provisional response (183 with early media).
  void respond(uint64_t call_id, int status, std::string phrase, std::string sdp);

  /// BYE once the call is confirmed, CANCEL while an outgoing INVITE is unanswered, 480 to an
  /// incoming INVITE not answered yet. Always ends with an `ended` event (local_hangup) unless
  /// the call had already ended for another reason.
  void hangup(uint64_t call_id);

  /// 200 OK with `sdp` to the re-INVITE reported by the last `reinvite` event.
  void answer_reinvite(uint64_t call_id, std::string sdp);

  /// Rejects the pending re-INVITE (300-699, typically 488 Not Acceptable Here); the call goes
  /// on with the previous session description.
  void respond_reinvite(uint64_t call_id, int status, std::string phrase);

 private:
  sip_stack(const sip_stack_config& cfg, registration_listener listener, call_listener calls);

  // Body of the SIP thread; `started` gets "" once serving, or the reason it could not start.
  void run(std::promise<std::string>& started);
  void stop_on_sip_thread();
  void post(std::function<void()> work);

  // Copied at construction, read-only afterwards; read by the SIP thread.
  sip_stack_config cfg_;
  registration_listener listener_;
  call_listener call_listener_;

  // Allocated by this; posted to from any thread.
  std::unique_ptr<sip_command_queue> commands_;

  // Written by the SIP thread before start() returns, read-only afterwards.
  uint16_t port_ = 0;
  std::string contact_host_;

  // Allocated, used and destroyed by the SIP thread only.
  std::unique_ptr<sofia_agent> agent_;
  std::unique_ptr<sip_registrar_client> registrar_;
  std::unique_ptr<sip_call_handler> calls_;

  std::thread thread_;
};

}  // namespace wrtc::sip
