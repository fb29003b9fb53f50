// Interpreting a SIP peer's SDP.
#include "protocols/sdp/sip_media.hpp"

#include <algorithm>

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

namespace {

std::optional<sip_audio> fail(sdp_error& error, sdp_errc code, std::string detail = {}) {
  error = sdp_error{code, std::move(detail)};
  return std::nullopt;
}

// The law a listed payload type carries: its rtpmap decides, a static type needs none.
std::optional<g711> law_of(const media_description& m, uint8_t pt) {
  if (const auto* r = m.attributes.find_rtpmap(pt)) {
    if (r->clock_rate != 8000 || r->channels.value_or(1) != 1) {
      return std::nullopt;
    }
    if (grammar::iequals(r->encoding, "PCMU")) {
      return g711::pcmu;
    }
    if (grammar::iequals(r->encoding, "PCMA")) {
      return g711::pcma;
    }
    return std::nullopt;
  }
  if (pt == static_payload_type(g711::pcmu)) {
    return g711::pcmu;
  }
  if (pt == static_payload_type(g711::pcma)) {
    return g711::pcma;
  }
  return std::nullopt;
}

}  // namespace

media_direction sip_audio::effective_direction() const {
  if (!hold) {
    return direction;
  }
  bool sends = direction == media_direction::sendrecv || direction == media_direction::sendonly;
  return sends ? media_direction::sendonly : media_direction::inactive;
}

std::optional<sip_audio> read_sip_audio(const session_description& sdp, sdp_error& error) {
  const media_description* audio = nullptr;
  bool any_audio = false;
  sip_audio out;
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    const auto& m = sdp.media[i];
    if (m.media != "audio") {
      continue;
    }
    any_audio = true;
    if (m.port != 0) {
      audio = &m;
      out.mline_index = i;
      break;
    }
  }
  if (audio == nullptr) {
    return fail(error, any_audio ? sdp_errc::audio_rejected : sdp_errc::no_audio);
  }
  if (audio->proto != "RTP/AVP") {
    return fail(error, sdp_errc::not_rtp_avp);
  }

  const auto* c = sdp.connection_for(*audio);
  if (c == nullptr) {
    return fail(error, sdp_errc::no_connection_address);
  }
  if (c->nettype != "IN") {
    return fail(error, sdp_errc::bad_connection_address, "not IN");
  }
  if (c->addrtype == "IP4" && grammar::is_ipv4_literal(c->address)) {
    out.hold = c->address == "0.0.0.0";
  } else if (c->addrtype == "IP6" && grammar::is_ipv6_literal(c->address)) {
    out.ipv6 = true;
    out.hold = c->address == "::";
  } else {
    return fail(error, sdp_errc::bad_connection_address);
  }
  out.address = c->address;
  out.port = audio->port;

  for (auto pt : audio->payload_types()) {
    auto law = law_of(*audio, pt);
    if (!law) {
      continue;
    }
    bool seen = std::any_of(out.g711_formats.begin(), out.g711_formats.end(),
                            [&](const g711_format& f) { return f.law == *law; });
    if (!seen) {
      out.g711_formats.push_back(g711_format{*law, pt});
    }
  }
  if (out.g711_formats.empty()) {
    return fail(error, sdp_errc::no_g711);
  }

  out.telephone_event_payload_type = audio->find_payload_type("telephone-event", 8000);
  out.ptime = audio->attributes.ptime ? audio->attributes.ptime : sdp.attributes.ptime;
  out.direction = audio->effective_direction(sdp.attributes.direction);
  return out;
}

}  // namespace wrtc::sdp
