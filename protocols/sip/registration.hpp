// Value types exchanged with the SIP stack about registrations: the request and its outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wrtc::sip {

/// One address-of-record to register: sip:<user>@<domain>.
struct registration_request {
  /// Chosen by the caller, unique per registration; every event about it carries this id.
  uint64_t id = 0;
  /// The agent's DN, e.g. "5001"; also the user part of our Contact.
  std::string user;
  /// Tenant SIP domain; also the Request-URI of the REGISTER (sip:<domain>).
  std::string domain;
  /// Digest credentials, used only when the registrar or proxy challenges (401/407); may be empty.
  /// Neither may contain ':' (sofia's credential string is colon-separated): such a request is
  /// refused at once with status 0.
  std::string auth_user;
  std::string auth_password;
};

/// How a registration ended up.
enum class registration_outcome {
  /// The registrar accepted the binding (sent once, on the first 2xx).
  registered,
  /// A final 3xx-6xx, a challenge we could not answer, or credentials rejected.
  refused,
  /// No answer (timer F), 408, or a transport error before the first 2xx.
  timed_out,
  /// A refresh failed after the registration had been accepted; the binding is gone.
  lost,
  /// The un-REGISTER asked for by unregister() completed (whatever its status).
  unregistered,
};

/// Returns "registered", "refused", "timed_out", "lost" or "unregistered".
std::string_view to_string(registration_outcome outcome);

/// Reported to the registration listener.
struct registration_event {
  uint64_t id = 0;
  registration_outcome outcome = registration_outcome::refused;
  /// Final SIP status (200, 403, 408, ...), a sofia internal code (9xx), or 0 when there is none.
  int status = 0;
  /// Reason phrase, or a short error text.
  std::string phrase;
};

}  // namespace wrtc::sip
