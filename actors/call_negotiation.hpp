// The SDP side of a call leg: reading the browser's and the SIP peer's descriptions, and what
// the builders need from the media worker's parameters.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "media/call/call_media_listener.hpp"
#include "media/dtls/dtls_transport.hpp"
#include "protocols/sdp/dtls_setup.hpp"
#include "protocols/sdp/session_description.hpp"
#include "protocols/sdp/sip_media.hpp"
#include "protocols/sdp/webrtc_media.hpp"
#include "protocols/sdp/webrtc_offer_answer.hpp"

namespace wrtc {

/// The media layer's payload type for "no telephone-event negotiated" is 0.
int event_pt(int pt);

/// a=setup's DTLS role as the media layer names it (active = client).
media::dtls_role to_media_role(sdp::dtls_role r);

/// The browser's candidates as media-layer lines ("candidate:...", then "end-of-candidates").
std::vector<std::string> candidate_lines(const sdp::webrtc_audio& audio);

/// Reads the browser's audio parameters from SDP text; nullopt with a reason on failure.
std::optional<sdp::webrtc_audio> read_browser_sdp(const std::string& text, std::string& why);

/// Reads the SIP peer's audio parameters; `keep` receives the parsed description when given.
std::optional<sdp::sip_audio> read_peer_sdp(const std::string& text, std::string& why,
                                            std::optional<sdp::session_description>* keep = nullptr);

/// Our end of the browser leg for the SDP builders: what the media worker gathered.
sdp::webrtc_local_media browser_side(const media::local_webrtc_params& webrtc);

/// A random 64-bit number (SDP session ids).
uint64_t random_u64();

}  // namespace wrtc
