// The SDP side of a call leg.
#include "actors/call_negotiation.hpp"

#include "protocols/security/crypto_primitives.hpp"

namespace wrtc {

uint64_t random_u64() {
  auto hex = security::random_hex(8);
  return std::stoull(hex, nullptr, 16);
}

int event_pt(int pt) {
  return pt < 0 ? 0 : pt;
}

media::dtls_role to_media_role(sdp::dtls_role r) {
  return r == sdp::dtls_role::active ? media::dtls_role::client : media::dtls_role::server;
}

std::vector<std::string> candidate_lines(const sdp::webrtc_audio& audio) {
  std::vector<std::string> lines;
  lines.reserve(audio.candidates.size() + 1);
  for (const auto& c : audio.candidates) lines.push_back("candidate:" + c.to_string());
  if (audio.end_of_candidates) lines.emplace_back("end-of-candidates");
  return lines;
}

std::optional<sdp::webrtc_audio> read_browser_sdp(const std::string& text, std::string& why) {
  auto parsed = sdp::parse(text, why);
  if (!parsed) return std::nullopt;
  sdp::sdp_error err;
  auto audio = sdp::read_webrtc_audio(*parsed, err);
  if (!audio) why = err.message();
  return audio;
}

std::optional<sdp::sip_audio> read_peer_sdp(const std::string& text, std::string& why,
                                            std::optional<sdp::session_description>* keep) {
  auto parsed = sdp::parse(text, why);
  if (!parsed) return std::nullopt;
  sdp::sdp_error err;
  auto audio = sdp::read_sip_audio(*parsed, err);
  if (!audio) why = err.message();
  if (keep != nullptr) *keep = std::move(parsed);
  return audio;
}

sdp::webrtc_local_media browser_side(const media::local_webrtc_params& webrtc) {
  sdp::webrtc_local_media local;
  local.session_id = random_u64() >> 2;
  local.session_version = 1;
  local.ice_ufrag = webrtc.ice_ufrag;
  local.ice_pwd = webrtc.ice_pwd;
  local.candidates = webrtc.candidates;
  local.local_fingerprint = sdp::fingerprint{"sha-256", webrtc.fingerprint_sha256};
  local.ssrc = webrtc.ssrc;
  local.cname = security::random_hex(8);
  return local;
}

}  // namespace wrtc
