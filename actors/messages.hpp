// Atoms and message types exchanged by the gateway's actors, with their inspect() overloads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "protocols/http/http_server.hpp"
#include "protocols/http_client/http_client.hpp"
#include "media/call/call_media_listener.hpp"
#include "media/call/call_media_stats.hpp"
#include "protocols/sip/call.hpp"
#include "protocols/sip/sip_stack.hpp"

namespace wrtc {

// -- atoms --------------------------------------------------------------------

using validate_atom = caf::atom_constant<caf::atom("validate")>;
using service_token_atom = caf::atom_constant<caf::atom("svctoken")>;
using invalidate_atom = caf::atom_constant<caf::atom("invalidat")>;
using tenant_atom = caf::atom_constant<caf::atom("tenant")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using fetched_atom = caf::atom_constant<caf::atom("fetched")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using reserve_atom = caf::atom_constant<caf::atom("reserve")>;
using bind_atom = caf::atom_constant<caf::atom("bind")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using count_atom = caf::atom_constant<caf::atom("count")>;
using sip_register_atom = caf::atom_constant<caf::atom("sipreg")>;
using sip_unregister_atom = caf::atom_constant<caf::atom("sipunreg")>;
using sip_cancel_atom = caf::atom_constant<caf::atom("sipcancel")>;
using sip_event_atom = caf::atom_constant<caf::atom("sipevent")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using http_atom = caf::atom_constant<caf::atom("http")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using poll_expired_atom = caf::atom_constant<caf::atom("pollexp")>;
using grace_check_atom = caf::atom_constant<caf::atom("gracechk")>;
using sign_out_atom = caf::atom_constant<caf::atom("signout")>;
using registration_timeout_atom = caf::atom_constant<caf::atom("regtimeout")>;
using end_atom = caf::atom_constant<caf::atom("end")>;
using state_atom = caf::atom_constant<caf::atom("state")>;
using sip_call_atom = caf::atom_constant<caf::atom("sipcall")>;
using sip_invite_atom = caf::atom_constant<caf::atom("sipinvite")>;
using sip_answer_atom = caf::atom_constant<caf::atom("sipanswer")>;
using sip_respond_atom = caf::atom_constant<caf::atom("siprespond")>;
using sip_hangup_atom = caf::atom_constant<caf::atom("siphangup")>;
using sip_reinvite_atom = caf::atom_constant<caf::atom("sipreinv")>;
using call_create_atom = caf::atom_constant<caf::atom("callnew")>;
using call_answer_atom = caf::atom_constant<caf::atom("callans")>;
using call_hangup_atom = caf::atom_constant<caf::atom("callhup")>;
using call_notice_atom = caf::atom_constant<caf::atom("callnote")>;
using media_ready_atom = caf::atom_constant<caf::atom("mready")>;
using media_connected_atom = caf::atom_constant<caf::atom("mconnect")>;
using media_failed_atom = caf::atom_constant<caf::atom("mfailed")>;
using media_stats_atom = caf::atom_constant<caf::atom("mstats")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;

// -- identity and tenants -----------------------------------------------------

/// What GAuth says about an agent's token.
struct agent_identity {
  std::string user_name;
  std::string contact_center_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, agent_identity& x) {
  return f(caf::meta::type_name("agent_identity"), x.user_name, x.contact_center_id);
}

inline bool operator==(const agent_identity& a, const agent_identity& b) {
  return a.user_name == b.user_name && a.contact_center_id == b.contact_center_id;
}

/// What GWS says about a contact center (tenant).
struct tenant_record {
  std::string id;
  /// The SIP domain of the tenant's DNs (address of record sip:<dn>@<domain>).
  std::string domain;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_record& x) {
  return f(caf::meta::type_name("tenant_record"), x.id, x.domain);
}

inline bool operator==(const tenant_record& a, const tenant_record& b) {
  return a.id == b.id && a.domain == b.domain;
}

// -- HTTP exchanges -----------------------------------------------------------

/// One signalling request with the handle to answer it. Local to a node: it never crosses the
/// network, so it travels as a shared pointer.
struct http_exchange {
  http::request req;
  /// Delivers the answer (to the server's responder; tests capture it instead).
  std::function<void(http::response&&)> send;
  /// Headers every answer carries (CORS), set by the signalling API.
  std::vector<std::pair<std::string, std::string>> extra_headers;

  /// Answers with a JSON body (empty body for 204).
  void reply(int status, std::string body) const;
  /// Answers with an API error body {"error":{"code","message"}}.
  void reply_error(int status, const std::string& code, const std::string& message) const;
  /// Answers with extra headers (for Set-Cookie).
  void reply(int status, std::string body,
             std::vector<std::pair<std::string, std::string>> headers) const;
};

using http_exchange_ptr = std::shared_ptr<http_exchange>;

/// Credentials presented on a session request: the session cookie and/or a bearer token digest.
struct session_credentials {
  std::string cookie_session;
  std::string bearer_digest;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_credentials& x) {
  // The digest is not the token, but inspection output stays free of credentials altogether.
  return f(caf::meta::type_name("session_credentials"), x.cookie_session, caf::meta::omittable(),
           x.bearer_digest);
}

/// Registers every message type of the gateway with a CAF config (on every node of a cluster).
void register_message_types(caf::actor_system_config& cfg);

}  // namespace wrtc

namespace wrtc::http_client {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outgoing_request& x) {
  // Headers, body and credentials carry tokens: never part of printed output.
  return f(caf::meta::type_name("outgoing_request"), x.method, x.url, caf::meta::omittable(),
           x.headers, caf::meta::omittable(), x.body);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, incoming_response& x) {
  return f(caf::meta::type_name("incoming_response"), x.status, x.body, x.error);
}

}  // namespace wrtc::http_client

namespace wrtc::sip {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration_request& x) {
  return f(caf::meta::type_name("registration_request"), x.id, x.user, x.domain, x.auth_user);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration_event& x) {
  return f(caf::meta::type_name("registration_event"), x.id, x.outcome, x.status, x.phrase);
}

}  // namespace wrtc::sip

namespace wrtc::sip {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outgoing_call& x) {
  // Credentials and the SDP stay out of printed output.
  return f(caf::meta::type_name("outgoing_call"), x.call_id, x.from_user, x.domain, x.to,
           caf::meta::omittable(), x.sdp, caf::meta::omittable(), x.auth_user,
           caf::meta::omittable(), x.auth_password, x.extra_headers);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_event& x) {
  return f(caf::meta::type_name("call_event"), x.call_id, x.kind, x.status, x.phrase,
           caf::meta::omittable(), x.sdp, x.reason, x.from_uri, x.from_display, x.to_uri,
           x.request_user, x.registration_id, x.sip_call_id, x.dtmf_digit, x.dtmf_duration_ms);
}

}  // namespace wrtc::sip

namespace wrtc::media {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, local_webrtc_params& x) {
  return f(caf::meta::type_name("local_webrtc_params"), x.ice_ufrag, caf::meta::omittable(),
           x.ice_pwd, x.candidates, x.fingerprint_sha256, x.ssrc);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, local_sip_params& x) {
  return f(caf::meta::type_name("local_sip_params"), x.address, x.rtp_port);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, media_side_stats& x) {
  return f(caf::meta::type_name("media_side_stats"), x.packets_in, x.bytes_in, x.packets_out,
           x.bytes_out, x.lost, x.jitter_ms, x.remote_lost, x.remote_jitter_ms, x.rtcp_packets_in,
           x.malformed, x.dropped_not_ready, x.send_errors);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_media_stats& x) {
  return f(caf::meta::type_name("call_media_stats"), x.browser, x.sip, x.srtp_replayed,
           x.srtp_unauthenticated, x.srtp_malformed, x.sip_foreign, x.transcoder_dropped,
           x.concealed_frames);
}

}  // namespace wrtc::media

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wrtc::http_exchange_ptr)
