// Calls (INVITE dialogs) on the SIP thread: one nua handle per call, in both directions.
#pragma once

#include <sofia-sip/su_wait.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "protocols/sip/call.hpp"
#include "protocols/sip/sofia_event_sink.hpp"

namespace wrtc::sip {

class sofia_agent;

/// Places and receives calls on the SIP thread; every member runs there. Installed as the
/// sofia_agent's inbound sink, it sees every new request nobody owns.
///
/// Per call id the listener sees `ended` exactly once, as the last event, including calls the
/// application rejected or hung up itself; nothing after forget_all(). Commands naming a call
/// id the handler does not know (never existed, or already ended) are ignored and logged:
/// a hangup() racing the far end's BYE thus yields the one `ended` of the BYE.
///
/// Incoming INVITEs: late offers (no body) are answered 488 and bodies other than
/// application/sdp 415, both before any event; a Request-URI without a usable user part gets
/// 404. The others get a call id from the incoming range (incoming_call_id_bit) and an
/// `incoming` event; the application answers with respond()/answer(), or the answer timer
/// answers 480 for it.
///
/// Outgoing INVITEs carry an explicit Contact (sip:<from_user>@<contact host>:<port>): left to
/// itself nua would use the Contact of whichever registration it finds first.
class sip_call_handler final : public sofia_event_sink {
 public:
  using listener = std::function<void(const call_event&)>;

  // -- constructors and destructors -------------------------------------------

  /// `agent` must outlive this; `on_event` runs on the SIP thread and must not block. An
  /// outgoing INVITE without a final answer after `invite_timeout` is cancelled (ended: timeout,
  /// 408); an incoming INVITE the application leaves unanswered for `answer_timeout` is answered
  /// 480 (ended: timeout, 480), a re-INVITE 488 (the call goes on).
  sip_call_handler(sofia_agent& agent, std::chrono::milliseconds invite_timeout,
                   std::chrono::milliseconds answer_timeout, listener on_event);

  /// Forgets every call (see forget_all()).
  ~sip_call_handler() override;

  sip_call_handler(const sip_call_handler&) = delete;
  sip_call_handler& operator=(const sip_call_handler&) = delete;

  // -- commands ---------------------------------------------------------------

  /// Sends the INVITE. A request the stack cannot turn into a message (see outgoing_call) ends
  /// at once with reason invalid_request. An id in the incoming range or already in use is
  /// ignored and logged: any event would be taken for the call that owns it.
  void invite(outgoing_call request);

  /// 200 OK with `sdp` (must not be empty) to an incoming INVITE not yet answered finally.
  void answer(uint64_t call_id, const std::string& sdp);

  /// To an incoming INVITE not yet answered finally: a provisional response (101-199; with
  /// `sdp` when not empty, e.g. 183 with early media) or a rejection (300-699; `sdp` ignored),
  /// which ends the call with reason local_reject. Other statuses are refused (logged); an empty
  /// phrase becomes the standard one.
  void respond(uint64_t call_id, int status, const std::string& phrase, const std::string& sdp);

  /// Ends the call: BYE once confirmed, CANCEL while an outgoing INVITE waits for its answer,
  /// 480 to an incoming INVITE not yet answered. `ended` (local_hangup) follows once the BYE or
  /// the INVITE got its final answer (at worst after timer F, 32 s), or at once for the 480.
  void hangup(uint64_t call_id);

  /// 200 OK with `sdp` to the re-INVITE last reported; ignored when none is pending.
  void answer_reinvite(uint64_t call_id, const std::string& sdp);

  /// A 300-699 rejection (typically 488) of the re-INVITE last reported; the call goes on.
  void respond_reinvite(uint64_t call_id, int status, const std::string& phrase);

  /// Tears every call down without events (stack stopping): 480 to unanswered incoming
  /// INVITEs, CANCEL for unanswered outgoing ones, BYE for the rest, answers not awaited.
  void forget_all();

  /// Number of calls being tracked (including those waiting for the final word from nua).
  std::size_t size() const { return by_id_.size(); }

  // -- sofia_event_sink -------------------------------------------------------

  void on_sofia_event(const sofia_event& event) override;

 private:
  enum class direction { outgoing, incoming };

  enum class phase {
    // Outgoing: INVITE sent, no final answer yet. Incoming: no final answer sent yet.
    early,
    // Outgoing: 2xx received (and ACKed). Incoming: 200 sent.
    confirmed,
    // A BYE, CANCEL or final rejection is under way (ours or theirs); nua reports the
    // terminated state next, which ends the call.
    ending,
  };

  struct call {
    uint64_t id = 0;
    direction dir = direction::outgoing;
    phase state = phase::early;
    // Allocated by nua for this call; destroyed by forget().
    nua_handle_t* handle = nullptr;
    // User part of our Contact: the caller's DN (outgoing) or the Request-URI user (incoming).
    std::string user;
    // Outgoing: credentials, and whether they were sent since the last answer.
    std::string auth_user;
    std::string auth_password;
    bool credentials_sent = false;
    // Outgoing: SDP answer seen in a provisional response, for a 2xx that carries none.
    std::string early_answer;
    // `answered` was reported.
    bool answered = false;
    // A re-INVITE was reported and not answered yet.
    bool reinvite_pending = false;
    // Allocated by this while an outgoing INVITE waits for its final answer (invite_timeout) or
    // an incoming INVITE or re-INVITE for the application's (answer_timeout). Destroyed by
    // stop_timer() or forget().
    su_timer_t* timer = nullptr;
    // Set once (the first cause wins) and reported by `ended`.
    std::string end_reason;
    int end_status = 0;
    std::string end_phrase;
    // Passed at creation; the timer callback reaches the handler through it.
    sip_call_handler* owner = nullptr;
  };

  static void on_timer(su_root_magic_t* magic, su_timer_t* timer, su_timer_arg_t* arg);

  void on_new_request(const sofia_event& event);
  void on_new_invite(const sofia_event& event);
  void on_invite_response(call& c, const sofia_event& event);
  void on_reinvite(call& c, const sofia_event& event);
  void on_ack(call& c);
  void on_info(call& c, const sofia_event& event);
  void on_state(call& c, const sofia_event& event);
  void on_error(call& c, const sofia_event& event);
  void on_timeout(call& c);
  bool answer_challenge(call& c, const sofia_event& event);

  call* find(uint64_t call_id, const char* command);
  call* find_unanswered_incoming(uint64_t call_id, const char* command);
  void start_timer(call& c, std::chrono::milliseconds after);
  void stop_timer(call& c);
  static void set_end(call& c, std::string reason, int status, std::string phrase);
  void finish(call& c);
  void refuse(uint64_t call_id, const std::string& why);
  void forget(uint64_t call_id);
  void emit(const call_event& event);

  // Passed by argument; outlives this.
  sofia_agent& agent_;
  std::chrono::milliseconds invite_timeout_;
  std::chrono::milliseconds answer_timeout_;
  listener on_event_;
  // Incoming call ids are incoming_call_id_bit | next_incoming_.
  uint64_t next_incoming_ = 1;
  // Owned by this; the handle map points back into it.
  std::unordered_map<uint64_t, std::unique_ptr<call>> by_id_;
  std::unordered_map<nua_handle_t*, uint64_t> by_handle_;
};

}  // namespace wrtc::sip
