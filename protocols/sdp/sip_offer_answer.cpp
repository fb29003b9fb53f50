// Building the gateway's SDP toward the SIP peer.
#include "protocols/sdp/sip_offer_answer.hpp"

#include <algorithm>

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

namespace {

constexpr uint32_t g711_clock_rate = 8000;
constexpr std::string_view telephone_events = "0-16";
constexpr uint32_t max_ptime_ms = 200;

bool bad_input(sdp_error& error, std::string detail) {
  error = sdp_error{sdp_errc::bad_input, std::move(detail)};
  return false;
}

bool check_local(const sip_local_media& local, sdp_error& error) {
  if (!grammar::is_ipv4_literal(local.address) && !grammar::is_ipv6_literal(local.address)) {
    return bad_input(error, "address is not an IP literal");
  }
  if (local.port == 0) {
    return bad_input(error, "port 0");
  }
  if (local.ptime == 0 || local.ptime > max_ptime_ms) {
    return bad_input(error, "ptime");
  }
  if (local.telephone_event_payload_type < 96 || local.telephone_event_payload_type > 127) {
    return bad_input(error, "telephone-event payload type");
  }
  if (local.laws.empty()) {
    return bad_input(error, "no G.711 law");
  }
  return true;
}

session_description session_for(const sip_local_media& local) {
  const char* addrtype = grammar::is_ipv6_literal(local.address) ? "IP6" : "IP4";
  session_description sdp;
  sdp.origin =
      origin_line{"-", local.session_id, local.session_version, "IN", addrtype, local.address};
  sdp.session_name = "-";
  sdp.connection = connection_data{"IN", addrtype, local.address};
  return sdp;
}

media_description audio_for(const sip_local_media& local, media_direction direction) {
  media_description m;
  m.media = "audio";
  m.port = local.port;
  m.proto = "RTP/AVP";
  m.attributes.ptime = local.ptime;
  m.attributes.direction = direction;
  return m;
}

void add_format(media_description& m, uint8_t pt, std::string_view encoding,
                std::string parameters = {}) {
  m.formats.push_back(std::to_string(pt));
  m.attributes.rtpmaps.push_back(rtpmap{pt, std::string(encoding), g711_clock_rate, {}});
  if (!parameters.empty()) {
    m.attributes.fmtps.push_back(fmtp{pt, std::move(parameters)});
  }
}

}  // namespace

std::optional<session_description> build_sip_offer(const sip_local_media& local, sdp_error& error) {
  if (!check_local(local, error)) {
    return std::nullopt;
  }
  auto sdp = session_for(local);
  auto m = audio_for(local, local.direction);
  for (auto law : local.laws) {
    if (m.has_payload_type(static_payload_type(law))) {
      continue;
    }
    add_format(m, static_payload_type(law), to_string(law));
  }
  add_format(m, local.telephone_event_payload_type, "telephone-event",
             std::string(telephone_events));
  sdp.media.push_back(std::move(m));
  return sdp;
}

std::optional<session_description> build_sip_answer(const session_description& offer,
                                                    const sip_local_media& local,
                                                    sdp_error& error) {
  if (!check_local(local, error)) {
    return std::nullopt;
  }
  auto peer = read_sip_audio(offer, error);
  if (!peer) {
    return std::nullopt;
  }
  auto chosen =
      std::find_if(peer->g711_formats.begin(), peer->g711_formats.end(), [&](const g711_format& f) {
        return std::find(local.laws.begin(), local.laws.end(), f.law) != local.laws.end();
      });
  if (chosen == peer->g711_formats.end()) {
    error = sdp_error{sdp_errc::no_g711, "none of the offered laws is allowed"};
    return std::nullopt;
  }

  auto sdp = session_for(local);
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& theirs = offer.media[i];
    if (i != peer->mline_index) {
      media_description rejected;
      rejected.media = theirs.media;
      rejected.proto = theirs.proto;
      rejected.formats = theirs.formats;
      sdp.media.push_back(std::move(rejected));
      continue;
    }
    auto m = audio_for(local, answer_direction(peer->effective_direction(), local.direction));
    add_format(m, chosen->payload_type, to_string(chosen->law));
    if (auto te = peer->telephone_event_payload_type) {
      const auto* offered = theirs.attributes.find_fmtp(*te);
      add_format(m, *te, "telephone-event",
                 offered != nullptr && !offered->parameters.empty()
                     ? offered->parameters
                     : std::string(telephone_events));
    }
    sdp.media.push_back(std::move(m));
  }
  return sdp;
}

}  // namespace wrtc::sdp
