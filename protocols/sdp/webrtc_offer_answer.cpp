// Building the gateway's SDP toward the browser.
#include "protocols/sdp/webrtc_offer_answer.hpp"

#include "protocols/sdp/grammar.hpp"
#include "protocols/sdp/webrtc_media.hpp"

namespace wrtc::sdp {

namespace {

constexpr std::size_t max_ice_credential_length = 256;
constexpr std::size_t max_identifier_length = 64;
constexpr std::size_t max_cname_length = 255;
constexpr std::string_view savpf = "UDP/TLS/RTP/SAVPF";
// RFC 8839: the m= port when no candidate can be the default.
constexpr uint16_t discard_port = 9;

bool bad_input(sdp_error& error, std::string detail) {
  error = sdp_error{sdp_errc::bad_input, std::move(detail)};
  return false;
}

// Checks what the media layer handed in and parses the candidates.
bool check_local(const webrtc_local_media& local, std::vector<ice_candidate>& candidates,
                 sdp_error& error) {
  if (!grammar::is_ice_chars(local.ice_ufrag) || local.ice_ufrag.size() < min_ice_ufrag_length ||
      local.ice_ufrag.size() > max_ice_credential_length) {
    return bad_input(error, "ICE ufrag");
  }
  if (!grammar::is_ice_chars(local.ice_pwd) || local.ice_pwd.size() < min_ice_pwd_length ||
      local.ice_pwd.size() > max_ice_credential_length) {
    return bad_input(error, "ICE pwd");
  }
  if (!grammar::iequals(local.local_fingerprint.algorithm, "sha-256") ||
      grammar::fingerprint_bytes(local.local_fingerprint.value) != 32) {
    return bad_input(error, "fingerprint (sha-256 expected)");
  }
  if (!grammar::is_field(local.cname) || local.cname.size() > max_cname_length) {
    return bad_input(error, "cname");
  }
  for (const auto* id : {&local.stream_id, &local.track_id}) {
    if (!grammar::is_token(*id) || id->size() > max_identifier_length) {
      return bad_input(error, "msid");
    }
  }
  if (local.candidates.size() > max_candidates) {
    return bad_input(error, "too many candidates");
  }
  candidates.clear();
  for (std::size_t i = 0; i < local.candidates.size(); ++i) {
    std::string reason;
    auto c = parse_candidate(local.candidates[i], reason);
    if (!c) {
      return bad_input(error, "candidate " + std::to_string(i) + ": " + reason);
    }
    candidates.push_back(std::move(*c));
  }
  return true;
}

// The m= port and c= line: the first UDP RTP candidate with an IP address.
void set_default_address(media_description& m, const std::vector<ice_candidate>& candidates) {
  m.port = discard_port;
  m.connection = connection_data{"IN", "IP4", "0.0.0.0"};
  for (const auto& c : candidates) {
    if (c.component != 1 || !c.is_udp()) {
      continue;
    }
    if (grammar::is_ipv4_literal(c.address)) {
      m.port = c.port;
      m.connection = connection_data{"IN", "IP4", c.address};
      return;
    }
    if (grammar::is_ipv6_literal(c.address)) {
      m.port = c.port;
      m.connection = connection_data{"IN", "IP6", c.address};
      return;
    }
  }
}

session_description session_for(const webrtc_local_media& local) {
  session_description sdp;
  sdp.origin = origin_line{"-", local.session_id, local.session_version, "IN", "IP4", "127.0.0.1"};
  sdp.session_name = "-";
  sdp.attributes.others.push_back(attribute{"msid-semantic", "WMS " + local.stream_id});
  return sdp;
}

// The accepted audio m-line, with our transport, stream and the given payload types.
media_description audio_for(const webrtc_local_media& local, std::vector<ice_candidate> candidates,
                            setup_role setup, const std::string& mid, media_direction direction) {
  media_description m;
  m.media = "audio";
  m.proto = savpf;
  set_default_address(m, candidates);
  auto& a = m.attributes;
  a.ice_ufrag = local.ice_ufrag;
  a.ice_pwd = local.ice_pwd;
  a.fingerprints.push_back(fingerprint{"sha-256", local.local_fingerprint.value});
  a.setup = setup;
  if (!mid.empty()) {
    a.mid = mid;
  }
  a.direction = direction;
  a.msids.push_back(local.stream_id + ' ' + local.track_id);
  a.rtcp_mux = true;
  auto ssrc = std::to_string(local.ssrc);
  a.ssrcs.push_back(ssrc + " cname:" + local.cname);
  a.ssrcs.push_back(ssrc + " msid:" + local.stream_id + ' ' + local.track_id);
  a.candidates = std::move(candidates);
  a.end_of_candidates = true;
  return m;
}

void add_format(media_description& m, uint8_t pt, std::string encoding, uint32_t clock,
                std::optional<uint16_t> channels, std::string parameters = {}) {
  m.formats.push_back(std::to_string(pt));
  m.attributes.rtpmaps.push_back(rtpmap{pt, std::move(encoding), clock, channels});
  if (!parameters.empty()) {
    m.attributes.fmtps.push_back(fmtp{pt, std::move(parameters)});
  }
}

}  // namespace

std::optional<session_description> build_webrtc_offer(const webrtc_local_media& local,
                                                      sdp_error& error) {
  std::vector<ice_candidate> candidates;
  if (!check_local(local, candidates, error)) {
    return std::nullopt;
  }
  auto sdp = session_for(local);
  const std::string mid = "0";
  sdp.attributes.groups.push_back(group{"BUNDLE", {mid}});
  auto m = audio_for(local, std::move(candidates), setup_role::actpass, mid, local.direction);
  add_format(m, webrtc_opus_payload_type, "opus", 48000, 2, std::string(webrtc_opus_fmtp));
  add_format(m, webrtc_telephone_event_payload_type, "telephone-event", 48000, std::nullopt);
  sdp.media.push_back(std::move(m));
  return sdp;
}

std::optional<webrtc_answer> build_webrtc_answer(const session_description& offer,
                                                 const webrtc_local_media& local,
                                                 std::optional<dtls_role> role, sdp_error& error) {
  auto offered = read_webrtc_audio(offer, error);
  if (!offered) {
    return std::nullopt;
  }
  if (role && !answer_role_allowed(offered->setup, *role)) {
    error = sdp_error{
        sdp_errc::setup_conflict,
        "offer has a=setup:" + std::string(to_string(offered->setup.value_or(setup_role::active)))};
    return std::nullopt;
  }
  auto chosen = role ? role : choose_answer_role(offered->setup, dtls_role::active);
  if (!chosen) {
    error = sdp_error{sdp_errc::setup_conflict, "offer has a=setup:holdconn"};
    return std::nullopt;
  }
  std::vector<ice_candidate> candidates;
  if (!check_local(local, candidates, error)) {
    return std::nullopt;
  }

  webrtc_answer answer{session_for(local), *chosen};
  auto& sdp = answer.sdp;
  if (!offered->bundle.empty()) {
    sdp.attributes.groups.push_back(group{"BUNDLE", {offered->mid}});
  }
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& theirs = offer.media[i];
    if (i != offered->mline_index) {
      // Rejected (RFC 3264 section 6): same media and proto, port 0, the mid kept.
      media_description rejected;
      rejected.media = theirs.media;
      rejected.proto = theirs.proto;
      rejected.formats = theirs.formats;
      rejected.attributes.mid = theirs.attributes.mid;
      sdp.media.push_back(std::move(rejected));
      continue;
    }
    auto m = audio_for(local, candidates, to_setup(*chosen), offered->mid,
                       answer_direction(offered->direction, local.direction));
    add_format(m, offered->opus_payload_type, "opus", 48000, 2, std::string(webrtc_opus_fmtp));
    if (offered->telephone_event_payload_type) {
      add_format(m, *offered->telephone_event_payload_type, "telephone-event",
                 offered->telephone_event_clock_rate, std::nullopt);
    }
    sdp.media.push_back(std::move(m));
  }
  return answer;
}

}  // namespace wrtc::sdp
