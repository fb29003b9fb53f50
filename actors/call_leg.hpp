// The actor of one call: the SIP dialog on one side, the browser's offer/answer on the other, and
// the media binding between them (a call_media on a media worker).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "protocols/metrics/gateway_metrics.hpp"

namespace wrtc::media {
class media_engine;
}

namespace wrtc {

enum class call_direction : uint8_t { inbound, outbound };
enum class call_phase : uint8_t { preparing, ringing, answered, ending };

std::string to_string(call_direction x);
std::string to_string(call_phase x);

/// Everything a call leg is created with.
struct call_leg_params {
  uint64_t call_id = 0;
  call_direction direction = call_direction::inbound;
  std::string session_id;
  std::string dn;
  std::string tenant;
  std::string domain;
  /// Inbound: the INVITE (its SDP offer, From, To). Outbound: unused.
  sip::call_event invite;
  /// Outbound: the number or URI to call and the browser's SDP offer.
  std::string to;
  std::string browser_offer;
  /// Digest password for the proxy (a secret: never inspected, never logged).
  std::string sip_auth_password;
  /// Hang-up grace: how long to wait for the SIP layer's `ended` after asking it to end.
  caf::timespan end_timeout = std::chrono::seconds{5};
};

/// The state that defines a call (what migrates and what inspection shows).
struct call_leg_data {
  uint64_t call_id = 0;
  std::string call;  // the API id: 16 hex digits of call_id
  call_direction direction = call_direction::inbound;
  call_phase phase = call_phase::preparing;
  std::string session_id;
  std::string dn;
  std::string tenant;
  std::string domain;
  std::string from;
  std::string to;
  std::string sip_call_id;
  /// SIP side: the peer's RTP address and the negotiated G.711 law / payload types.
  std::string sip_remote_address;
  uint16_t sip_remote_port = 0;
  int sip_codec_pt = -1;
  int sip_dtmf_pt = -1;
  /// Browser side.
  int opus_pt = -1;
  int browser_dtmf_pt = -1;
  std::string dtls_role;  // "client" or "server" once known
  std::string local_ice_ufrag;
  std::string local_fingerprint;
  std::string local_sip_address;
  uint16_t local_sip_port = 0;
  bool media_connected = false;
  std::string end_reason;
  int end_sip_code = 0;
  media::call_media_stats stats;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_leg_data& x) {
  return f(caf::meta::type_name("call_leg"), x.call_id, x.call, x.direction, x.phase,
           x.session_id, x.dn, x.tenant, x.domain, x.from, x.to, x.sip_call_id,
           x.sip_remote_address, x.sip_remote_port, x.sip_codec_pt, x.sip_dtmf_pt, x.opus_pt,
           x.browser_dtmf_pt, x.dtls_role, x.local_ice_ufrag, x.local_fingerprint,
           x.local_sip_address, x.local_sip_port, x.media_connected, x.end_reason,
           x.end_sip_code, x.stats);
}

struct call_leg_state {
  call_leg_data data;
  // Transient: bound to this node and process.
  call_leg_params params;
  caf::actor session;
  caf::actor sip;
  caf::actor transcoder;
  // Shared with the node.
  std::shared_ptr<media::media_engine> media;
  // Passed by argument, owned by the node.
  metrics::gateway_metrics* metrics = nullptr;
  /// The SDP we sent to the browser (offer for inbound, answer for outbound) and the SIP offer.
  std::string browser_sdp;
  std::string sip_offer;
  /// Inbound: the browser's answer arrived (the API was answered 204).
  bool browser_answered = false;
  bool media_created = false;
  bool sip_ended = false;
  bool counted = false;
  static inline const char* name = "call_leg";
};

/// Messages:
/// - `(sip_call_atom, call_event)` provisional / answered / ended / reinvite / info_dtmf.
/// - `(media_ready_atom, local_webrtc_params, local_sip_params)`, `(media_connected_atom)`,
///   `(media_failed_atom, reason, ice)`, `(media_stats_atom, call_media_stats)` from the worker.
/// - `(call_answer_atom, exchange, sdp)` the browser's answer to an inbound call.
/// - `(call_hangup_atom, exchange)` hang up / reject / cancel; answered 204 at once.
/// - `(end_atom, reason)` end from inside the node (session ended).
/// - `(state_atom) -> call_leg_data`.
/// Reports to its session with `(call_notice_atom, type, json fields)`; quits after `call.ended`.
caf::behavior call_leg(caf::stateful_actor<call_leg_state>* self, call_leg_params params,
                       caf::actor session, caf::actor sip,
                       std::shared_ptr<media::media_engine> media,
                       metrics::gateway_metrics* metrics);

/// The API id of a call: 16 lowercase hex digits.
std::string call_api_id(uint64_t call_id);

/// Parses an API call id; 0 when malformed.
uint64_t parse_call_api_id(const std::string& text);

}  // namespace wrtc
