// Value types exchanged with the SIP stack about calls (INVITE dialogs): requests and events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wrtc::sip {

/// Call ids with this bit set belong to incoming calls: the stack allocates them. Ids the
/// application picks for outgoing calls must leave it clear (invite() refuses them otherwise),
/// so the two ranges never clash.
inline constexpr uint64_t incoming_call_id_bit = uint64_t{1} << 63;

/// Whether `call_id` was allocated by the stack for an incoming call.
constexpr bool is_incoming_call_id(uint64_t call_id) {
  return (call_id & incoming_call_id_bit) != 0;
}

/// An INVITE to send through the outbound proxy (gateway.voice-sip-proxy).
struct outgoing_call {
  /// Chosen by the application, unique among its live calls, high bit clear.
  uint64_t call_id = 0;
  /// From: sip:<from_user>@<domain>; also the user part of our Contact.
  std::string from_user;
  /// Tenant SIP domain.
  std::string domain;
  /// A number (letters, digits, "+*#-._()"; becomes sip:<to>@<domain>, '#' escaped) or a
  /// sip:/sips: URI without URI headers.
  std::string to;
  /// SDP offer, sent as application/sdp; must not be empty (no late-offer INVITEs).
  std::string sdp;
  /// Digest credentials used when the proxy or the far end challenges (401/407); may be empty.
  /// Neither may contain ':' (sofia's credential string is colon-separated).
  std::string auth_user;
  std::string auth_password;
  /// Added to the INVITE as "name: value". Names must be tokens and may not be headers the stack
  /// writes itself (Via, From, To, Call-ID, CSeq, Contact, Content-*, Max-Forwards, Route...);
  /// values may not contain line breaks. A bad header refuses the whole call.
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

/// What a call_event reports.
enum class call_event_kind {
  /// A new INVITE (with an SDP offer) reached a Contact of ours; answer with respond()/answer().
  incoming,
  /// Outgoing: a 1xx other than 100 (180, 183...), with the SDP it carried, if any.
  provisional,
  /// Outgoing: the 2xx (ACK already sent by the stack). Incoming: the ACK to our 200 arrived.
  answered,
  /// The call is over; the last event of a call id, sent exactly once per call.
  ended,
  /// An INFO carrying one DTMF digit (application/dtmf-relay or application/dtmf); already
  /// answered 200.
  info_dtmf,
  /// A re-INVITE with an SDP offer (hold, unhold, media change); answer with answer_reinvite()
  /// or respond_reinvite().
  reinvite,
};

/// Returns "incoming", "provisional", "answered", "ended", "info_dtmf" or "reinvite".
std::string_view to_string(call_event_kind kind);

/// Reported to the call listener.
struct call_event {
  uint64_t call_id = 0;
  call_event_kind kind = call_event_kind::ended;

  /// provisional: 180/183/...; answered: the 2xx status (200 for incoming); ended: the final
  /// status that ended the call (486, 487, 603, 408, 480 we sent...), 0 when a BYE ended it or
  /// nothing was ever sent.
  int status = 0;
  std::string phrase;
  /// incoming: the offer; provisional/answered (outgoing): the answer, if any; reinvite: the offer.
  std::string sdp;
  /// ended only, one of:
  ///   remote_bye       the far end sent BYE
  ///   remote_cancel    the caller cancelled before we answered (we sent 487)
  ///   rejected         the far end answered the INVITE 3xx-6xx (status holds it)
  ///   auth_failed      challenged without usable credentials, or challenged again after them
  ///   timeout          no final answer to our INVITE (timer B, or the INVITE timer: status 408),
  ///                    the application left an incoming INVITE unanswered (we sent 480), or
  ///                    no ACK came for our 200 (408, BYE sent)
  ///   transport_error  the request could not be sent (connection refused, ICMP, DNS): status is
  ///                    the 503 nta made up
  ///   local_hangup     hangup() (BYE, CANCEL, or 480 to an unanswered incoming INVITE)
  ///   local_reject     respond() with a final status to an incoming INVITE
  ///   invalid_request  invite() refused before sending anything (bad URI, header, credentials,
  ///                    empty SDP, id already in use or in the incoming range); status 0
  ///   protocol_error   the far end's 2xx carried no SDP answer (the stack sent BYE)
  ///   terminated       the SIP stack ended the dialog for another reason (status says why)
  std::string reason;

  // -- incoming only --
  /// From URI and display name (unquoted) of the caller; To URI as sent.
  std::string from_uri;
  std::string from_display;
  std::string to_uri;
  /// User part of the Request-URI (the DN the INVITE was routed to), as written.
  std::string request_user;
  /// The ";wrtc-reg=<id>" parameter of the Request-URI (the registration whose Contact the proxy
  /// used), or 0 when absent or not a number.
  uint64_t registration_id = 0;
  /// Call-ID header of the INVITE.
  std::string sip_call_id;

  // -- info_dtmf only --
  /// '0'-'9', '*', '#', 'A'-'D'.
  char dtmf_digit = 0;
  /// From "Duration=" (application/dtmf-relay); 0 when not given.
  int dtmf_duration_ms = 0;
};

}  // namespace wrtc::sip
