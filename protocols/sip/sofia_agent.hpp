// The SIP thread's sofia objects (su_root, nua) and the routing of nua events to their owners.
#pragma once

#include <sofia-sip/nua.h>
#include <sofia-sip/su_wait.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "protocols/sip/sip_proxy_address.hpp"
#include "protocols/sip/sip_stack_config.hpp"
#include "protocols/sip/sofia_event_sink.hpp"

namespace wrtc::sip {

/// Owns the su_root and the nua instance; every member runs on the SIP thread.
///
/// nua events are routed by handle magic: a handle created with (or bound to) a sofia_event_sink
/// gets its events delivered there. Inbound requests arrive on fresh handles that nobody owns;
/// they go to the inbound sink when one is set (the sip_call_handler, when the stack has a call
/// listener), otherwise they are answered 480 Temporarily Unavailable and their handle is
/// destroyed. OPTIONS is answered 200 by nua itself. Methods outside our Allow list get 405 from
/// nua, requests that need a dialog (BYE, CANCEL, ACK, INFO without a dialog) get 481, requests
/// requiring an extension (Require:) get 420 since we support none, and malformed messages are
/// rejected (400) or dropped by nta before anything reaches this class.
///
/// Call behaviour set here for the whole stack: nua never answers an INVITE by itself (no
/// automatic 180 or 200; 100 Trying is sent at once), ACKs 2xx answers itself, keeps no session
/// timers, and handles no SDP (bodies are passed through as they are).
class sofia_agent {
 public:
  // -- constructors and destructors -------------------------------------------

  /// `cfg` must outlive this.
  explicit sofia_agent(const sip_stack_config& cfg);

  /// Shuts nua down if needed and destroys nua and the root.
  ~sofia_agent();

  sofia_agent(const sofia_agent&) = delete;
  sofia_agent& operator=(const sofia_agent&) = delete;

  // -- lifetime ---------------------------------------------------------------

  /// Creates the root and nua, binds UDP and TCP on bind_address:port and learns which address
  /// and port sofia ended up with. Returns false and fills `error` on failure.
  bool open(std::string& error);

  /// Runs the event loop until shutdown() has completed.
  void run();

  /// Starts nua's shutdown; run() returns once nua reports it finished. Components must have
  /// destroyed their handles first, or nua spends up to 30 s un-registering them.
  void shutdown();

  // -- properties -------------------------------------------------------------

  /// The root; for registering more descriptors with the loop.
  su_root_t* root() const { return root_; }

  /// The nua instance; for creating handles.
  nua_t* nua() const { return nua_; }

  /// Bound port (the same for UDP and TCP).
  uint16_t port() const { return port_; }

  /// Host written in our Contact headers.
  const std::string& contact_host() const { return contact_host_; }

  /// "<sip:user@host:port>", with ";transport=tcp" when the proxy is reached over TCP, followed
  /// by `uri_params` (e.g. ";wrtc-reg=42") inside the brackets.
  std::string contact_for(std::string_view user, std::string_view uri_params = {}) const;

  /// Gives inbound requests on unowned handles to `sink` (nullptr: reject them with 480). The
  /// sink takes over the handle with nua_handle_bind() or must destroy it.
  void set_inbound_sink(sofia_event_sink* sink) { inbound_sink_ = sink; }

  /// Writes one line through the configured log hook, if any.
  void log(std::string_view level, std::string_view message) const;

 private:
  static void on_nua_event(nua_event_t event, int status, char const* phrase, nua_t* nua,
                           nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic,
                           sip_t const* sip, tagi_t tags[]);
  void dispatch(const sofia_event& event, nua_hmagic_t* hmagic);
  void on_stack_event(const sofia_event& event);
  void on_unowned_event(const sofia_event& event);
  void close();

  // Passed by argument; owned by the sip_stack, which outlives this.
  const sip_stack_config& cfg_;
  // Allocated by this.
  su_root_t* root_ = nullptr;
  nua_t* nua_ = nullptr;
  // Passed by set_inbound_sink().
  sofia_event_sink* inbound_sink_ = nullptr;

  sip_proxy_address proxy_;
  bool has_proxy_ = false;
  std::string contact_host_;
  uint16_t port_ = 0;
  // Set by the nua_r_get_params answer that open() waits for.
  bool contact_known_ = false;
  bool shutdown_started_ = false;
  bool shutdown_done_ = false;
};

}  // namespace wrtc::sip
