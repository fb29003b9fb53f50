// REGISTER client: one nua handle per registration id, digest answers, outcome events.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "protocols/sip/registration.hpp"
#include "protocols/sip/sofia_event_sink.hpp"

namespace wrtc::sip {

class sofia_agent;

/// Keeps registrations alive on the SIP thread; every member runs there.
///
/// Each registration gets its own nua handle, so its own Call-ID and CSeq space, refreshed by nua
/// before the granted expiry. Per id the listener sees exactly one of:
///   registered, later possibly lost or (after unregister()) unregistered;
///   refused or timed_out;
///   unregistered (unregister() before any 2xx);
///   nothing at all after cancel() or when the stack stops.
/// A refresh refused with 3xx-6xx makes nua send an un-REGISTER of its own right away (sofia
/// ends the usage "gracefully"); the registration is reported lost all the same.
class sip_registrar_client final : public sofia_event_sink {
 public:
  using listener = std::function<void(const registration_event&)>;

  // -- constructors and destructors -------------------------------------------

  /// `agent` must outlive this; `on_event` runs on the SIP thread and must not block.
  sip_registrar_client(sofia_agent& agent, std::chrono::seconds expires, listener on_event);

  /// Forgets every registration (see forget_all()).
  ~sip_registrar_client() override;

  sip_registrar_client(const sip_registrar_client&) = delete;
  sip_registrar_client& operator=(const sip_registrar_client&) = delete;

  // -- commands ---------------------------------------------------------------

  /// Sends REGISTER for sip:<user>@<domain>. A request with a user or domain that cannot be
  /// written into a SIP URI, or credentials holding ':' (sofia cannot carry those), is refused
  /// at once (status 0). A request reusing the id of a
  /// registration still tracked is ignored (and logged): any event would be mistaken for one
  /// about the registration that owns the id.
  void register_aor(registration_request request);

  /// Sends REGISTER with Expires: 0 for the binding of `id`, then reports `unregistered` with the
  /// final status of that request (also when it fails or times out). Before the first 2xx the
  /// un-REGISTER waits for the pending REGISTER; if that one fails there is nothing to remove and
  /// `unregistered` carries its status. An unknown id is reported `unregistered` with status 0;
  /// a second call while the first is under way adds nothing.
  void unregister(uint64_t id);

  /// Destroys the handle of `id` without an event. nua_handle_destroy() abandons a pending
  /// REGISTER (nta still retransmits it until timer F, answer ignored) and, for an accepted
  /// binding, makes nua send one un-REGISTER whose answer is ignored.
  void cancel(uint64_t id);

  /// cancel() for every registration; used when the stack stops.
  void forget_all();

  /// Number of registrations being tracked.
  std::size_t size() const { return by_id_.size(); }

  // -- sofia_event_sink -------------------------------------------------------

  void on_sofia_event(const sofia_event& event) override;

 private:
  enum class phase {
    // REGISTER sent, no 2xx yet.
    registering,
    // A 2xx arrived; nua refreshes.
    registered,
    // Un-REGISTER sent.
    unregistering,
  };

  struct registration {
    registration_request request;
    std::string aor;
    // Allocated by nua for this registration; destroyed by forget().
    nua_handle_t* handle = nullptr;
    phase state = phase::registering;
    // Credentials were sent since the last 2xx; another challenge means they are wrong.
    bool credentials_sent = false;
    // unregister() arrived while the first REGISTER was still pending.
    bool unregister_wanted = false;
  };

  void on_register_response(registration& reg, const sofia_event& event);
  void on_unregister_response(registration& reg, const sofia_event& event);
  bool answer_challenge(registration& reg, const sofia_event& event);
  void send_unregister(registration& reg);
  void finish(registration& reg, registration_outcome outcome, int status, std::string phrase);
  void forget(uint64_t id);
  void emit(const registration_event& event);
  void log_outcome(const registration_event& event, const std::string& aor) const;

  // Passed by argument; outlives this.
  sofia_agent& agent_;
  std::string expires_;
  listener on_event_;
  // Owned by this; the handle map points back into it.
  std::unordered_map<uint64_t, std::unique_ptr<registration>> by_id_;
  std::unordered_map<nua_handle_t*, uint64_t> by_handle_;
};

}  // namespace wrtc::sip
