// One call's media on one worker: ICE + DTLS-SRTP, SIP-side RTP, and the transcoder between.
#include "media/call/call_media.hpp"

#include <cstring>
#include <random>
#include <utility>

#include "media/codec/audio_transcoder.hpp"
#include "media/dtls/demux.hpp"
#include "media/dtls/dtls_certificate.hpp"
#include "media/rtp/rtcp_report.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/worker/media_worker.hpp"

namespace wrtc::media {

namespace {

// Per worker thread: SSRCs, first sequence numbers and timestamps are drawn at random (RFC 3550).
uint32_t random32() {
  thread_local std::mt19937 gen{std::random_device{}()};
  return static_cast<uint32_t>(gen());
}

bool valid_payload_type(int pt) {
  return pt >= 0 && pt <= 127;
}

}  // namespace

// -- constructors and destructors -----------------------------------------------

call_media::call_media(uint64_t call_id, const call_media_context& ctx, call_media_options options,
                       std::shared_ptr<call_media_listener> listener)
    : call_id_(call_id),
      options_(options),
      ctx_(ctx),
      listener_(std::move(listener)),
      dtls_timer_(*ctx.worker),
      connect_timer_(*ctx.worker),
      stats_timer_(*ctx.worker),
      browser_ssrc_(random32()),
      sip_ssrc_(random32()),
      browser_initial_sequence_(static_cast<uint16_t>(random32())),
      sip_initial_sequence_(static_cast<uint16_t>(random32())),
      browser_initial_timestamp_(random32()),
      sip_initial_timestamp_(random32()) {
  // nop
}

call_media::~call_media() {
  dtls_timer_.stop();
  connect_timer_.stop();
  stats_timer_.stop();
  if (dtls_ && dtls_started_ && !failed_)
    dtls_->close();  // close_notify reaches the browser through ICE, which still exists here
  dtls_.reset();
  socket_.reset();
  ice_.reset();
}

// -- worker thread ----------------------------------------------------------------

void call_media::start() {
  stats_timer_.start_periodic(options_.stats_interval,
                              [this] { listener_->media_stats(call_id_, stats()); });
  if (!options_.transcode) {
    fail("relayed (non-transcoded) media is not implemented", false);
    return;
  }
  if (!ctx_.certificate) {
    fail("no DTLS certificate", false);
    return;
  }
  std::string error;
  socket_ = rtp_socket::open(*ctx_.worker, ctx_.ports, ctx_.address, *this, error);
  if (!socket_) {
    fail(error, false);
    return;
  }
  dtls_transport::listener& dtls_listener = *this;
  dtls_ = std::make_unique<dtls_transport>(ctx_.certificate, dtls_listener);
  ice_agent_config cfg;
  cfg.address = ctx_.address;
  cfg.controlling = options_.ice_controlling;
  cfg.turn = ctx_.turn;
  ice_agent_listener& ice_listener = *this;
  ice_ = std::make_unique<ice_agent>(*ctx_.worker, ctx_.ports, std::move(cfg), ice_listener);
  if (!ice_->gather(error)) {
    fail(error, true);
    return;
  }
}

void call_media::set_remote_webrtc(remote_webrtc_params params) {
  if (failed_ || !ice_) return;
  if (!valid_payload_type(params.opus_pt) || !valid_payload_type(params.dtmf_pt)) {
    fail("browser payload type out of range", false);
    return;
  }
  bool first = !remote_webrtc_;
  if (first) {
    if (!ice_->set_remote_credentials(params.ice_ufrag, params.ice_pwd)) {
      fail("browser ICE credentials missing", true);
      return;
    }
    connect_timer_.start_once(options_.connect_timeout, [this] { on_connect_timeout(); });
  }
  ice_->add_remote_candidates(params.candidates);
  params.candidates.clear();
  if (first) {
    remote_webrtc_ = std::move(params);
    maybe_start_dtls();
  } else {
    remote_webrtc_->opus_pt = params.opus_pt;
    remote_webrtc_->dtmf_pt = params.dtmf_pt;
  }
  update_transcoder();
}

void call_media::add_remote_candidates(const std::vector<std::string>& lines) {
  if (failed_ || !ice_) return;
  ice_->add_remote_candidates(lines);
}

void call_media::set_remote_sip(remote_sip_params params) {
  if (failed_ || !socket_) return;
  if (!valid_payload_type(params.codec_pt) || !valid_payload_type(params.dtmf_pt)) {
    fail("SIP payload type out of range", false);
    return;
  }
  if (params.codec_pt != 0 && params.codec_pt != 8) {
    fail("SIP codec must be PCMU (0) or PCMA (8), got " + std::to_string(params.codec_pt), false);
    return;
  }
  if (!socket_->set_remote(params.address, params.port)) {
    fail("SIP media address is not an IP address and port: " + params.address, false);
    return;
  }
  remote_sip_ = std::move(params);
  update_transcoder();
}

call_media_stats call_media::stats() const {
  call_media_stats out;
  out.browser = browser_;
  out.browser.packets_in = browser_rx_.packets();
  out.browser.bytes_in = browser_rx_.bytes();
  out.browser.lost = browser_rx_.lost();
  out.browser.jitter_ms = browser_rx_.jitter_ms();
  out.sip = sip_;
  out.sip.packets_in = sip_rx_.packets();
  out.sip.bytes_in = sip_rx_.bytes();
  out.sip.lost = sip_rx_.lost();
  out.sip.jitter_ms = sip_rx_.jitter_ms();
  if (socket_) {
    const auto& c = socket_->counters();
    out.sip.packets_out = c.rtp_packets_out;
    out.sip.bytes_out = c.rtp_bytes_out;
    out.sip.rtcp_packets_in = c.rtcp_packets_in;
    out.sip.malformed = c.malformed;
    out.sip.dropped_not_ready += c.early;
    out.sip.send_errors = c.send_errors;
    out.sip_foreign = c.foreign;
  }
  out.srtp_replayed = srtp_replayed_;
  out.srtp_unauthenticated = srtp_unauthenticated_;
  out.srtp_malformed = srtp_malformed_;
  if (transcoder_) {
    for (const auto* c : {&transcoder_->to_sip_counters(), &transcoder_->to_browser_counters()})
      out.transcoder_dropped += c->malformed_dropped + c->unsupported_dropped + c->late_dropped +
                                c->decode_errors + c->encode_errors;
    out.concealed_frames = transcoder_->to_sip_counters().concealed_frames;
  }
  return out;
}

// -- ICE --------------------------------------------------------------------------

void call_media::ice_gathering_done(ice_agent& agent) {
  if (failed_ || ready_reported_) return;
  ready_reported_ = true;
  local_webrtc_params webrtc;
  webrtc.ice_ufrag = agent.local_ufrag();
  webrtc.ice_pwd = agent.local_pwd();
  webrtc.candidates = agent.local_candidates();
  webrtc.fingerprint_sha256 = ctx_.certificate->fingerprint_sha256();
  webrtc.ssrc = browser_ssrc_;
  local_sip_params sip;
  sip.address = socket_->local_address();
  sip.rtp_port = socket_->rtp_port();
  listener_->media_ready(call_id_, webrtc, sip);
}

void call_media::ice_state_changed(ice_agent&, ice_state state) {
  if (failed_) return;
  switch (state) {
    case ice_state::connected:
    case ice_state::ready:
      ice_connected_ = true;
      maybe_start_dtls();
      break;
    case ice_state::failed:
      // Before DTLS: the checks failed. After it: consent lost (the browser went away).
      fail(connected_ ? "ICE consent lost" : "ICE connectivity checks failed", true);
      break;
    default:
      break;
  }
}

void call_media::ice_datagram(ice_agent&, uint8_t* data, size_t len) {
  if (failed_) return;
  if (looks_like_dtls(data, len)) {
    if (dtls_) {
      dtls_->on_datagram(data, len);
      arm_dtls_timer();
    }
    return;
  }
  // RTP and RTCP have version 2 in the top bits (RFC 7983: first byte 128..191).
  if (len < rtp_fixed_header_size || (data[0] & 0xc0) != 0x80) {
    ++browser_.malformed;
    return;
  }
  if (!srtp_in_) {
    ++browser_.dropped_not_ready;
    return;
  }
  size_t plain = len;
  if (is_rtcp_packet(data, len)) {
    auto res = srtp_in_->unprotect_rtcp(data, plain);
    if (!res) {
      count_srtp_failure(res.status);
      return;
    }
    ++browser_.rtcp_packets_in;
    read_browser_rtcp(data, plain);
    return;
  }
  auto res = srtp_in_->unprotect_rtp(data, plain);
  if (!res) {
    count_srtp_failure(res.status);
    return;
  }
  forward_to_sip(data, plain);
}

// -- SIP side ---------------------------------------------------------------------

void call_media::rtp_datagram(rtp_socket&, uint8_t* data, size_t len) {
  if (failed_) return;
  forward_to_browser(data, len);
}

void call_media::rtcp_datagram(rtp_socket&, uint8_t* data, size_t len) {
  for_each_rtcp_report(data, len, [this](const rtcp_report& report) {
    for (size_t i = 0; i < report.block_count(); ++i) {
      auto block = report.block(i);
      if (block.ssrc == sip_ssrc_) {
        sip_.remote_lost = block.cumulative_lost;
        sip_.remote_jitter_ms = block.jitter_seconds(8000) * 1000.0;
      }
    }
  });
}

// -- DTLS -------------------------------------------------------------------------

void call_media::dtls_send(const uint8_t* data, size_t len) {
  if (ice_ && !ice_->send(data, len)) ++browser_.send_errors;
}

void call_media::dtls_connected(const srtp_keys& keys) {
  if (failed_) return;
  std::string error;
  srtp_in_ = srtp_session::create(keys.profile, srtp_session::direction::inbound,
                                  keys.remote_master, error);
  if (srtp_in_)
    srtp_out_ = srtp_session::create(keys.profile, srtp_session::direction::outbound,
                                     keys.local_master, error);
  if (!srtp_in_ || !srtp_out_) {
    srtp_in_.reset();
    srtp_out_.reset();
    fail("SRTP: " + error, false);
    return;
  }
  connected_ = true;
  connect_timer_.stop();
  listener_->media_connected(call_id_);
}

void call_media::dtls_failed(const std::string& reason) {
  srtp_in_.reset();
  srtp_out_.reset();
  fail("DTLS: " + reason, false);
}

void call_media::dtls_closed() {
  srtp_in_.reset();
  srtp_out_.reset();
  fail("DTLS closed by the browser", false);
}

// -- internals --------------------------------------------------------------------

void call_media::maybe_start_dtls() {
  if (dtls_started_ || !ice_connected_ || !remote_webrtc_ || !dtls_) return;
  dtls_started_ = true;
  dtls_->start(remote_webrtc_->our_role, remote_webrtc_->fingerprint_algorithm,
               remote_webrtc_->fingerprint_value);
  arm_dtls_timer();
}

void call_media::arm_dtls_timer() {
  if (!dtls_ || failed_) return;
  auto ms = dtls_->timer_ms();
  if (ms < 0) {
    dtls_timer_.stop();
    return;
  }
  dtls_timer_.start_once(std::chrono::milliseconds{ms}, [this] {
    if (!dtls_ || failed_) return;
    dtls_->on_timer();
    arm_dtls_timer();
  });
}

void call_media::on_connect_timeout() {
  if (failed_ || connected_) return;
  if (!ice_connected_)
    fail("ICE not connected within " + std::to_string(options_.connect_timeout.count()) + " ms",
         true);
  else
    fail("DTLS not done within " + std::to_string(options_.connect_timeout.count()) + " ms", false);
}

void call_media::fail(std::string reason, bool ice) {
  if (failed_) return;
  failed_ = true;
  connect_timer_.stop();
  dtls_timer_.stop();
  listener_->media_failed(call_id_, std::move(reason), ice);
}

void call_media::update_transcoder() {
  if (!remote_webrtc_ || !remote_sip_) return;
  audio_transcoder_config cfg;
  cfg.browser_opus_payload_type = static_cast<uint8_t>(remote_webrtc_->opus_pt);
  cfg.browser_event_payload_type = static_cast<uint8_t>(remote_webrtc_->dtmf_pt);
  cfg.browser_ssrc = browser_ssrc_;
  cfg.browser_initial_sequence = browser_initial_sequence_;
  cfg.browser_initial_timestamp = browser_initial_timestamp_;
  cfg.sip_codec = remote_sip_->codec_pt == 8 ? g711_law::pcma : g711_law::pcmu;
  cfg.sip_codec_payload_type = static_cast<uint8_t>(remote_sip_->codec_pt);
  cfg.sip_event_payload_type = static_cast<uint8_t>(remote_sip_->dtmf_pt);
  cfg.sip_ssrc = sip_ssrc_;
  cfg.sip_initial_sequence = sip_initial_sequence_;
  cfg.sip_initial_timestamp = sip_initial_timestamp_;
  if (transcoder_) {
    const auto& cur = transcoder_->config();
    if (cur.browser_opus_payload_type == cfg.browser_opus_payload_type &&
        cur.browser_event_payload_type == cfg.browser_event_payload_type &&
        cur.sip_codec_payload_type == cfg.sip_codec_payload_type &&
        cur.sip_event_payload_type == cfg.sip_event_payload_type)
      return;  // a re-INVITE that changed only the address keeps the streams continuous
  }
  audio_transcoder_error error = audio_transcoder_error::none;
  auto t = audio_transcoder::create(cfg, error);
  if (!t) {
    fail("transcoder: " + std::string{to_string(error)}, false);
    return;
  }
  transcoder_ = std::move(t);
}

void call_media::forward_to_sip(uint8_t* rtp, size_t len) {
  auto pkt = rtp_packet::parse(rtp, len);
  if (!pkt) {
    ++browser_.malformed;
    return;
  }
  browser_rx_.on_packet(pkt->ssrc(), pkt->sequence(), pkt->timestamp(), len,
                        std::chrono::steady_clock::now());
  if (!transcoder_) {
    ++sip_.dropped_not_ready;
    return;
  }
  transcoder_->webrtc_to_sip(rtp, len, [this](const uint8_t* out, size_t n) {
    socket_->send_rtp(out, n);  // the socket counts what it sent and what it could not
  });
}

void call_media::forward_to_browser(uint8_t* rtp, size_t len) {
  auto pkt = rtp_packet::parse(rtp, len);  // the socket checked it; cheap, and gives the fields
  if (!pkt) return;
  sip_rx_.on_packet(pkt->ssrc(), pkt->sequence(), pkt->timestamp(), len,
                    std::chrono::steady_clock::now());
  if (!transcoder_) {
    ++sip_.dropped_not_ready;
    return;
  }
  if (!srtp_out_) {
    ++browser_.dropped_not_ready;
    return;
  }
  transcoder_->sip_to_webrtc(rtp, len,
                             [this](const uint8_t* out, size_t n) { send_to_browser(out, n); });
}

void call_media::send_to_browser(const uint8_t* rtp, size_t len) {
  if (len + srtp_max_overhead > to_browser_.size()) {
    ++browser_.send_errors;
    return;
  }
  std::memcpy(to_browser_.data(), rtp, len);
  size_t n = len;
  auto res = srtp_out_->protect_rtp(to_browser_.data(), n, to_browser_.size());
  if (!res) {
    ++browser_.send_errors;
    return;
  }
  if (!ice_->send(to_browser_.data(), n)) {
    ++browser_.send_errors;
    return;
  }
  ++browser_.packets_out;
  browser_.bytes_out += n;
}

void call_media::count_srtp_failure(srtp_status status) {
  switch (status) {
    case srtp_status::replayed:
      ++srtp_replayed_;
      break;
    case srtp_status::unauthenticated:
      ++srtp_unauthenticated_;
      break;
    default:
      ++srtp_malformed_;
      break;
  }
}

void call_media::read_browser_rtcp(const uint8_t* data, size_t len) {
  for_each_rtcp_report(data, len, [this](const rtcp_report& report) {
    for (size_t i = 0; i < report.block_count(); ++i) {
      auto block = report.block(i);
      if (block.ssrc == browser_ssrc_) {
        browser_.remote_lost = block.cumulative_lost;
        browser_.remote_jitter_ms = block.jitter_seconds(48000) * 1000.0;
      }
    }
  });
}

}  // namespace wrtc::media
