// Registration of the gateway's message types.
#include "actors/messages.hpp"

#include "actors/agent_session.hpp"
#include "actors/gateway_error.hpp"

namespace wrtc {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<agent_identity>("wrtc::agent_identity")
    .add_message_type<tenant_record>("wrtc::tenant_record")
    .add_message_type<session_credentials>("wrtc::session_credentials")
    .add_message_type<session_event>("wrtc::session_event")
    .add_message_type<agent_session_data>("wrtc::agent_session_data")
    .add_message_type<http_client::outgoing_request>("wrtc::outgoing_request")
    .add_message_type<http_client::incoming_response>("wrtc::incoming_response")
    .add_message_type<sip::registration_request>("wrtc::registration_request")
    .add_message_type<sip::registration_event>("wrtc::registration_event")
    .add_message_type<sip::outgoing_call>("wrtc::outgoing_call")
    .add_message_type<sip::call_event>("wrtc::call_event")
    .add_message_type<media::local_webrtc_params>("wrtc::local_webrtc_params")
    .add_message_type<media::local_sip_params>("wrtc::local_sip_params")
    .add_message_type<media::call_media_stats>("wrtc::call_media_stats")
    .add_error_category(gateway_error_category, render_gateway_error);
}

}  // namespace wrtc
