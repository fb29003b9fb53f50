// Call leg actor.
#include "actors/call_leg.hpp"

#include <cinttypes>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "actors/call_media_bridge.hpp"
#include "actors/call_negotiation.hpp"
#include "actors/transcoder.hpp"
#include "media/worker/media_engine.hpp"
#include "protocols/log/json_logger.hpp"
#include "protocols/sdp/dtls_setup.hpp"
#include "protocols/sdp/session_description.hpp"
#include "protocols/sdp/sip_media.hpp"
#include "protocols/sdp/sip_offer_answer.hpp"
#include "protocols/sdp/webrtc_media.hpp"
#include "protocols/sdp/webrtc_offer_answer.hpp"
#include "protocols/security/crypto_primitives.hpp"

namespace wrtc {

std::string to_string(call_direction x) {
  return x == call_direction::inbound ? "inbound" : "outbound";
}

std::string to_string(call_phase x) {
  switch (x) {
    case call_phase::preparing:
      return "preparing";
    case call_phase::ringing:
      return "ringing";
    case call_phase::answered:
      return "answered";
    case call_phase::ending:
      return "ending";
  }
  return "unknown";
}

std::string call_api_id(uint64_t call_id) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, call_id);
  return buf;
}

uint64_t parse_call_api_id(const std::string& text) {
  if (text.size() != 16) return 0;
  uint64_t id = 0;
  for (char c : text) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) return 0;
    id = (id << 4) | static_cast<uint64_t>(v);
  }
  return id;
}

namespace {

using self_ptr = caf::stateful_actor<call_leg_state>*;


void log_call(self_ptr self, log::level lvl, std::string_view message,
              std::initializer_list<log::field> extra = {}) {
  auto& logger = log::json_logger::instance();
  if (!logger.enabled(lvl)) return;
  const auto& d = self->state.data;
  std::vector<log::field> fields{{"session", d.session_id}, {"dn", d.dn}, {"tenant", d.tenant},
                                 {"call", d.call}, {"direction", to_string(d.direction)}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  logger.write(lvl, message, fields.data(), fields.data() + fields.size());
}

void notify(self_ptr self, const std::string& type, nlohmann::json fields) {
  fields["call"] = self->state.data.call;
  self->send(self->state.session, call_notice_atom::value, type,
             fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// RTP errors grow by what the worker dropped since the last report; jitter over a threshold
/// counts once per report interval in which it was seen.
void count_media_quality(metrics::gateway_metrics& m, const media::call_media_stats& before,
                         const media::call_media_stats& now) {
  auto errors = [](const media::call_media_stats& s) {
    return s.srtp_replayed + s.srtp_unauthenticated + s.srtp_malformed + s.browser.malformed +
           s.sip.malformed;
  };
  auto previous = errors(before);
  auto current = errors(now);
  if (current > previous) m.rtp_errors.Increment(static_cast<double>(current - previous));
  auto jitter = [](double ms, prometheus::Counter& c100, prometheus::Counter& c300,
                   prometheus::Counter& c500) {
    if (ms > 100) c100.Increment();
    if (ms > 300) c300.Increment();
    if (ms > 500) c500.Increment();
  };
  // What the gateway measures on the browser's stream, and what the browser reports by RTCP.
  jitter(now.browser.jitter_ms, m.rtp_gateway_jitter_over_100, m.rtp_gateway_jitter_over_300,
         m.rtp_gateway_jitter_over_500);
  jitter(now.browser.remote_jitter_ms, m.rtp_client_jitter_over_100, m.rtp_client_jitter_over_300,
         m.rtp_client_jitter_over_500);
}

void count_start(self_ptr self) {
  auto& st = self->state;
  if (st.counted || st.metrics == nullptr) return;
  st.counted = true;
  (st.data.direction == call_direction::inbound ? st.metrics->in_calls : st.metrics->out_calls)
    .started();
  st.metrics->audio_calls.started();
  st.metrics->calls(st.data.domain).Increment();
}

void finish(self_ptr self) {
  auto& st = self->state;
  if (st.media_created && st.media) st.media->destroy_call(st.data.call_id);
  st.media_created = false;
  if (st.transcoder) self->send_exit(st.transcoder, caf::exit_reason::normal);
  if (st.counted && st.metrics != nullptr) {
    (st.data.direction == call_direction::inbound ? st.metrics->in_calls : st.metrics->out_calls)
      .ended();
    st.metrics->audio_calls.ended();
  }
  // An inbound call the agent never saw (488 to a bad offer) ends without an event.
  if (st.counted) {
    notify(self, "call.ended", {{"reason", st.data.end_reason}, {"sip_code", st.data.end_sip_code}});
  }
  log_call(self, log::level::info, "call ended",
           {{"reason", st.data.end_reason}, {"sip_code", std::to_string(st.data.end_sip_code)}});
  self->quit();
}

/// Ends the call for `reason`: tells SIP (BYE, CANCEL or a rejection) unless SIP already ended
/// it, then finishes once the SIP layer confirms (or after the end timeout).
void end_call(self_ptr self, const std::string& reason, int sip_code = 0) {
  auto& st = self->state;
  if (st.data.phase == call_phase::ending) return;
  auto previous = st.data.phase;
  st.data.phase = call_phase::ending;
  st.data.end_reason = reason;
  if (sip_code != 0) st.data.end_sip_code = sip_code;
  if (st.sip_ended) {
    finish(self);
    return;
  }
  if (st.data.direction == call_direction::inbound && previous != call_phase::answered &&
      !st.browser_answered) {
    int status = reason == "local_hangup" ? 603 : 480;
    st.data.end_sip_code = status;
    self->send(st.sip, sip_respond_atom::value, st.data.call_id, status,
               std::string{status == 603 ? "Decline" : "Temporarily Unavailable"});
  } else {
    self->send(st.sip, sip_hangup_atom::value, st.data.call_id);
  }
  self->delayed_send(self, st.params.end_timeout, finish_atom::value);
}

std::string api_reason(const std::string& sip_reason) {
  if (sip_reason == "remote_bye") return "remote_hangup";
  if (sip_reason == "timeout") return "no_answer";
  if (sip_reason == "local_reject") return "local_hangup";
  if (sip_reason == "auth_failed") return "rejected";
  return sip_reason;
}

void spawn_transcoder(self_ptr self) {
  auto& st = self->state;
  if (st.transcoder) return;
  transcoder_data t;
  t.call_id = st.data.call_id;
  t.browser_codec = "opus/48000/2";
  t.browser_pt = st.data.opus_pt;
  t.browser_dtmf_pt = st.data.browser_dtmf_pt;
  t.sip_codec = st.data.sip_codec_pt == 8 ? "PCMA/8000" : "PCMU/8000";
  t.sip_pt = st.data.sip_codec_pt;
  t.sip_dtmf_pt = st.data.sip_dtmf_pt;
  st.transcoder = self->spawn(transcoder, t, st.metrics);
}

void create_media(self_ptr self, bool ice_controlling) {
  auto& st = self->state;
  media::call_media_options opts;
  opts.ice_controlling = ice_controlling;
  opts.transcode = true;
  if (st.data.opus_pt >= 0) opts.opus_pt = st.data.opus_pt;
  opts.browser_dtmf_pt = event_pt(st.data.browser_dtmf_pt);
  if (st.data.sip_codec_pt >= 0) opts.sip_codec_pt = st.data.sip_codec_pt;
  opts.sip_dtmf_pt = st.data.sip_dtmf_pt >= 0 ? st.data.sip_dtmf_pt : 101;
  auto bridge = std::make_shared<call_media_bridge>(caf::actor_cast<caf::actor>(self));
  if (!st.media || st.media->create_call(st.data.call_id, opts, bridge) == 0) {
    log_call(self, log::level::error, "media could not be allocated");
    st.data.end_reason = "media_failed";
    end_call(self, "media_failed");
    return;
  }
  st.media_created = true;
}

// -- inbound ------------------------------------------------------------------

void start_inbound(self_ptr self) {
  auto& st = self->state;
  const auto& inv = st.params.invite;
  st.data.from = inv.from_display.empty() ? inv.from_uri : inv.from_display + " <" + inv.from_uri + ">";
  st.data.to = inv.to_uri;
  st.data.sip_call_id = inv.sip_call_id;
  std::string why;
  auto audio = read_peer_sdp(inv.sdp, why);
  if (!audio) {
    log_call(self, log::level::warning, "INVITE refused: unusable SDP", {{"reason", why}});
    st.data.phase = call_phase::ending;
    st.data.end_reason = "bad_sdp";
    st.data.end_sip_code = 488;
    self->send(st.sip, sip_respond_atom::value, st.data.call_id, 488,
               std::string{"Not Acceptable Here"});
    self->delayed_send(self, st.params.end_timeout, finish_atom::value);
    return;
  }
  st.data.sip_remote_address = audio->address;
  st.data.sip_remote_port = audio->port;
  st.data.sip_codec_pt = audio->g711_formats.front().payload_type;
  st.data.sip_dtmf_pt = audio->telephone_event_payload_type ? *audio->telephone_event_payload_type : -1;
  st.data.opus_pt = sdp::webrtc_opus_payload_type;
  st.data.browser_dtmf_pt = sdp::webrtc_telephone_event_payload_type;
  create_media(self, true);
}

void inbound_media_ready(self_ptr self, const media::local_webrtc_params& webrtc) {
  auto& st = self->state;
  auto local = browser_side(webrtc);
  sdp::sdp_error err;
  auto offer = sdp::build_webrtc_offer(local, err);
  if (!offer) {
    log_call(self, log::level::error, "cannot build the WebRTC offer", {{"reason", err.message()}});
    end_call(self, "media_failed", 500);
    return;
  }
  st.browser_sdp = offer->to_string();
  st.media->set_remote_sip(st.data.call_id, st.data.sip_remote_address, st.data.sip_remote_port,
                           st.data.sip_codec_pt, event_pt(st.data.sip_dtmf_pt));
  st.data.phase = call_phase::ringing;
  count_start(self);
  notify(self, "call.incoming", {{"from", st.data.from}, {"to", st.data.to}, {"sdp", st.browser_sdp}});
  self->send(st.sip, sip_respond_atom::value, st.data.call_id, 180, std::string{"Ringing"});
  log_call(self, log::level::info, "incoming call presented", {{"from", st.data.from}});
}

void on_browser_answer(self_ptr self, const http_exchange_ptr& ex, const std::string& text) {
  auto& st = self->state;
  if (st.data.direction != call_direction::inbound || st.data.phase != call_phase::ringing ||
      st.browser_answered) {
    ex->reply_error(409, "call_state", "this call cannot be answered now (" +
                                         to_string(st.data.phase) + ")");
    return;
  }
  std::string why;
  auto parsed = sdp::parse(text, why);
  std::optional<sdp::webrtc_audio> audio;
  if (parsed) {
    sdp::sdp_error err;
    audio = sdp::read_webrtc_audio(*parsed, err);
    if (!audio) why = err.message();
  }
  if (!audio) {
    ex->reply_error(400, "bad_request", "unusable SDP answer: " + why);
    return;
  }
  auto ours = sdp::role_after_answer(audio->setup);
  if (!ours) {
    ex->reply_error(400, "bad_request", "unusable SDP answer: a=setup does not settle the DTLS role");
    return;
  }
  // The SIP answer: the law we already chose, at our worker's address.
  std::optional<sdp::session_description> sip_offer;
  auto peer = read_peer_sdp(st.params.invite.sdp, why, &sip_offer);
  sdp::sip_local_media local;
  local.session_id = random_u64() >> 2;
  local.session_version = 1;
  local.address = st.data.local_sip_address;
  local.port = st.data.local_sip_port;
  local.laws = {st.data.sip_codec_pt == 8 ? sdp::g711::pcma : sdp::g711::pcmu};
  sdp::sdp_error err;
  std::optional<sdp::session_description> sip_answer;
  if (peer && sip_offer) sip_answer = sdp::build_sip_answer(*sip_offer, local, err);
  if (!sip_answer) {
    ex->reply_error(500, "internal_error", "cannot build the SIP answer: " + err.message());
    end_call(self, "media_failed", 500);
    return;
  }
  st.data.opus_pt = audio->opus_payload_type;
  st.data.browser_dtmf_pt =
    audio->telephone_event_payload_type ? *audio->telephone_event_payload_type : -1;
  st.data.dtls_role = *ours == sdp::dtls_role::active ? "client" : "server";
  st.media->set_remote_webrtc(st.data.call_id, audio->ice_ufrag, audio->ice_pwd,
                              candidate_lines(*audio), audio->dtls_fingerprint.algorithm,
                              audio->dtls_fingerprint.value, to_media_role(*ours),
                              st.data.opus_pt, event_pt(st.data.browser_dtmf_pt));
  self->send(st.sip, sip_answer_atom::value, st.data.call_id, sip_answer->to_string());
  st.browser_answered = true;
  spawn_transcoder(self);
  ex->reply(204, {});
  log_call(self, log::level::info, "call answered by the agent");
}

// -- outbound -----------------------------------------------------------------

void start_outbound(self_ptr self) {
  auto& st = self->state;
  st.data.to = st.params.to;
  st.data.from = "sip:" + st.data.dn + "@" + st.data.domain;
  std::string why;
  auto audio = read_browser_sdp(st.params.browser_offer, why);
  if (!audio) {
    // The session checked the offer already; this only happens on a race with a bad body.
    st.data.end_reason = "bad_sdp";
    st.sip_ended = true;
    count_start(self);
    finish(self);
    return;
  }
  st.data.opus_pt = audio->opus_payload_type;
  st.data.browser_dtmf_pt =
    audio->telephone_event_payload_type ? *audio->telephone_event_payload_type : -1;
  st.data.sip_codec_pt = 0;
  st.data.sip_dtmf_pt = 101;
  count_start(self);
  create_media(self, false);
}

void outbound_media_ready(self_ptr self, const media::local_webrtc_params& webrtc) {
  auto& st = self->state;
  std::string why;
  auto offer = sdp::parse(st.params.browser_offer, why);
  auto local = browser_side(webrtc);
  sdp::sdp_error err;
  std::optional<sdp::webrtc_answer> answer;
  if (offer) answer = sdp::build_webrtc_answer(*offer, local, std::nullopt, err);
  if (!answer) {
    log_call(self, log::level::error, "cannot answer the browser's offer",
             {{"reason", offer ? err.message() : why}});
    st.sip_ended = true;
    end_call(self, "bad_sdp");
    return;
  }
  st.browser_sdp = answer->sdp.to_string();
  st.data.dtls_role = answer->role == sdp::dtls_role::active ? "client" : "server";
  sdp::sip_local_media sip_local;
  sip_local.session_id = random_u64() >> 2;
  sip_local.session_version = 1;
  sip_local.address = st.data.local_sip_address;
  sip_local.port = st.data.local_sip_port;
  auto sip_offer = sdp::build_sip_offer(sip_local, err);
  if (!sip_offer) {
    log_call(self, log::level::error, "cannot build the SIP offer", {{"reason", err.message()}});
    st.sip_ended = true;
    end_call(self, "media_failed");
    return;
  }
  st.sip_offer = sip_offer->to_string();
  sip::outgoing_call c;
  c.call_id = st.data.call_id;
  c.from_user = st.data.dn;
  c.domain = st.data.domain;
  c.to = st.data.to;
  c.sdp = st.sip_offer;
  c.auth_user = st.data.dn;
  c.auth_password = st.params.sip_auth_password;
  self->send(st.sip, sip_invite_atom::value, std::move(c));
  log_call(self, log::level::info, "outgoing call placed", {{"to", st.data.to}});
}

void outbound_answered(self_ptr self, const sip::call_event& ev) {
  auto& st = self->state;
  std::string why;
  auto peer = read_peer_sdp(ev.sdp, why);
  if (!peer) {
    log_call(self, log::level::warning, "the far end answered with unusable SDP", {{"reason", why}});
    end_call(self, "bad_sdp", ev.status);
    return;
  }
  st.data.sip_remote_address = peer->address;
  st.data.sip_remote_port = peer->port;
  st.data.sip_codec_pt = peer->g711_formats.front().payload_type;
  st.data.sip_dtmf_pt = peer->telephone_event_payload_type ? *peer->telephone_event_payload_type : -1;
  st.media->set_remote_sip(st.data.call_id, st.data.sip_remote_address, st.data.sip_remote_port,
                           st.data.sip_codec_pt, event_pt(st.data.sip_dtmf_pt));
  auto browser = read_browser_sdp(st.params.browser_offer, why);
  if (browser) {
    st.media->set_remote_webrtc(
      st.data.call_id, browser->ice_ufrag, browser->ice_pwd, candidate_lines(*browser),
      browser->dtls_fingerprint.algorithm, browser->dtls_fingerprint.value,
      st.data.dtls_role == "client" ? media::dtls_role::client : media::dtls_role::server,
      st.data.opus_pt, event_pt(st.data.browser_dtmf_pt));
  }
  st.data.phase = call_phase::answered;
  spawn_transcoder(self);
  notify(self, "call.answered", {{"sdp", st.browser_sdp}, {"sip_code", ev.status}});
  log_call(self, log::level::info, "outgoing call answered");
}

void on_reinvite(self_ptr self, const sip::call_event& ev) {
  auto& st = self->state;
  std::string why;
  std::optional<sdp::session_description> offer;
  auto peer = read_peer_sdp(ev.sdp, why, &offer);
  sdp::sip_local_media local;
  local.session_id = random_u64() >> 2;
  local.session_version = 2;
  local.address = st.data.local_sip_address;
  local.port = st.data.local_sip_port;
  local.laws = {st.data.sip_codec_pt == 8 ? sdp::g711::pcma : sdp::g711::pcmu};
  sdp::sdp_error err;
  std::optional<sdp::session_description> answer;
  if (peer && offer) answer = sdp::build_sip_answer(*offer, local, err);
  if (!answer) {
    log_call(self, log::level::warning, "re-INVITE refused", {{"reason", peer ? err.message() : why}});
    self->send(st.sip, sip_reinvite_atom::value, st.data.call_id, std::string{});
    return;
  }
  if (!peer->hold) {
    st.data.sip_remote_address = peer->address;
    st.data.sip_remote_port = peer->port;
    st.media->set_remote_sip(st.data.call_id, peer->address, peer->port, st.data.sip_codec_pt,
                             event_pt(st.data.sip_dtmf_pt));
  }
  self->send(st.sip, sip_reinvite_atom::value, st.data.call_id, answer->to_string());
}

void on_sip_event(self_ptr self, const sip::call_event& ev) {
  auto& st = self->state;
  using kind = sip::call_event_kind;
  switch (ev.kind) {
    case kind::incoming:
      return;
    case kind::provisional:
      if (st.data.direction == call_direction::outbound && st.data.phase != call_phase::ending) {
        st.data.phase = call_phase::ringing;
        notify(self, "call.ringing", {{"sip_code", ev.status}});
      }
      return;
    case kind::answered:
      if (st.data.phase == call_phase::ending) return;
      if (st.data.direction == call_direction::outbound)
        outbound_answered(self, ev);
      else
        st.data.phase = call_phase::answered;
      return;
    case kind::reinvite:
      on_reinvite(self, ev);
      return;
    case kind::info_dtmf:
      log_call(self, log::level::debug, "DTMF by SIP INFO", {{"digit", std::string(1, ev.dtmf_digit)}});
      return;
    case kind::ended:
      st.sip_ended = true;
      if (st.data.phase == call_phase::ending) {
        if (st.data.end_sip_code == 0) st.data.end_sip_code = ev.status;
        finish(self);
        return;
      }
      st.data.phase = call_phase::ending;
      st.data.end_reason = api_reason(ev.reason);
      st.data.end_sip_code = ev.status;
      finish(self);
      return;
  }
}

}  // namespace

caf::behavior call_leg(caf::stateful_actor<call_leg_state>* self, call_leg_params params,
                       caf::actor session, caf::actor sip,
                       std::shared_ptr<media::media_engine> media,
                       metrics::gateway_metrics* metrics) {
  auto& st = self->state;
  st.data.call_id = params.call_id;
  st.data.call = call_api_id(params.call_id);
  st.data.direction = params.direction;
  st.data.session_id = params.session_id;
  st.data.dn = params.dn;
  st.data.tenant = params.tenant;
  st.data.domain = params.domain;
  st.params = std::move(params);
  st.session = std::move(session);
  st.sip = std::move(sip);
  st.media = std::move(media);
  st.metrics = metrics;
  if (st.data.direction == call_direction::inbound)
    start_inbound(self);
  else
    start_outbound(self);
  return {
    [=](sip_call_atom, const sip::call_event& ev) { on_sip_event(self, ev); },
    [=](media_ready_atom, const media::local_webrtc_params& webrtc,
        const media::local_sip_params& sip_local) {
      auto& st = self->state;
      if (st.data.phase == call_phase::ending) return;
      st.data.local_ice_ufrag = webrtc.ice_ufrag;
      st.data.local_fingerprint = webrtc.fingerprint_sha256;
      st.data.local_sip_address = sip_local.address;
      st.data.local_sip_port = sip_local.rtp_port;
      if (st.data.direction == call_direction::inbound)
        inbound_media_ready(self, webrtc);
      else
        outbound_media_ready(self, webrtc);
    },
    [=](media_connected_atom) {
      self->state.data.media_connected = true;
      log_call(self, log::level::info, "media connected");
    },
    [=](media_failed_atom, const std::string& reason, bool ice) {
      auto& st = self->state;
      if (ice && st.metrics != nullptr) st.metrics->turn_errors.Increment();
      log_call(self, log::level::warning, "media failed",
               {{"reason", reason}, {"ice", ice ? "true" : "false"}});
      end_call(self, "media_failed");
    },
    [=](media_stats_atom, const media::call_media_stats& stats) {
      auto& st = self->state;
      if (st.metrics != nullptr) count_media_quality(*st.metrics, st.data.stats, stats);
      st.data.stats = stats;
      log_call(self, log::level::debug, "media stats",
               {{"browser_in", std::to_string(stats.browser.packets_in)},
                {"browser_out", std::to_string(stats.browser.packets_out)},
                {"sip_in", std::to_string(stats.sip.packets_in)},
                {"sip_out", std::to_string(stats.sip.packets_out)},
                {"transcoder_dropped", std::to_string(stats.transcoder_dropped)},
                {"srtp_unauthenticated", std::to_string(stats.srtp_unauthenticated)}});
      if (st.transcoder) self->send(st.transcoder, media_stats_atom::value, stats);
    },
    [=](call_answer_atom, const http_exchange_ptr& ex, const std::string& sdp_text) {
      on_browser_answer(self, ex, sdp_text);
    },
    [=](call_hangup_atom, const http_exchange_ptr& ex) {
      ex->reply(204, {});
      end_call(self, "local_hangup");
    },
    [=](end_atom, const std::string& reason) { end_call(self, reason); },
    [=](finish_atom) { finish(self); },
    [=](state_atom) { return self->state.data; },
  };
}

}  // namespace wrtc
