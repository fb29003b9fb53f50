// Interface of the SIP-thread components that receive nua events for the handles they own.
#pragma once

#include <sofia-sip/nua.h>

namespace wrtc::sip {

/// One nua callback, as delivered on the SIP thread. Pointers are valid during the call only.
struct sofia_event {
  nua_event_t kind;
  int status;
  /// Never null (sofia passes "" when there is no phrase).
  char const* phrase;
  /// Null for stack-level events.
  nua_handle_t* handle;
  /// The message that caused the event, or null (internal errors, some timeouts).
  sip_t const* message;
  tagi_t const* tags;
  /// No peer sent this: either there is no message or nta made the response up itself (timer F
  /// expiry, transport or DNS failure).
  bool generated_locally;
};

/// A component living on the SIP thread (registrations now; inbound calls later) that owns nua
/// handles. A handle belongs to the sink passed as its magic to nua_handle() or nua_handle_bind();
/// the sofia_agent routes that handle's events here. A sink must destroy its handles before it
/// goes away: nua delivers nothing for a destroyed handle, so the magic never dangles.
class sofia_event_sink {
 public:
  virtual ~sofia_event_sink() = default;

  /// Handles one event of a handle this sink owns, or an inbound request offered to it. Runs on
  /// the SIP thread and must not block.
  virtual void on_sofia_event(const sofia_event& event) = 0;
};

}  // namespace wrtc::sip
