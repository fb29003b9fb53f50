// Opus <-> G.711 transcoding of one call: timelines, loss concealment, telephone-event mapping.
#include "media/codec/audio_transcoder.hpp"

#include <algorithm>
#include <cstring>

#include "media/codec/opus_codec.hpp"
#include "media/codec/telephone_event.hpp"

namespace wrtc::media {

namespace {

constexpr uint32_t browser_clock = 48000;
constexpr uint32_t sip_clock = 8000;
// Browser-side timestamp ticks per 8 kHz sample.
constexpr uint32_t browser_ticks_per_sample = browser_clock / sip_clock;
// Opus frames come in multiples of 2.5 ms: the granularity of PLC and FEC at 8 kHz.
constexpr int opus_granule = 20;
constexpr uint32_t max_concealment_ms = 120;

audio_transcoder_error validate(const audio_transcoder_config& cfg) {
  for (uint8_t pt : {cfg.browser_opus_payload_type, cfg.browser_event_payload_type,
                     cfg.sip_codec_payload_type, cfg.sip_event_payload_type}) {
    if (pt > 127) {
      return audio_transcoder_error::bad_payload_type;
    }
  }
  if (cfg.browser_event_payload_type != 0 &&
      cfg.browser_event_payload_type == cfg.browser_opus_payload_type) {
    return audio_transcoder_error::payload_type_clash;
  }
  if (cfg.sip_event_payload_type != 0 && cfg.sip_event_payload_type == cfg.sip_codec_payload_type) {
    return audio_transcoder_error::payload_type_clash;
  }
  if (cfg.max_concealment_ms > max_concealment_ms) {
    return audio_transcoder_error::bad_concealment;
  }
  return audio_transcoder_error::none;
}

rtp_stream_rewriter_config input_config(uint32_t ssrc, uint16_t sequence, uint32_t timestamp,
                                        uint32_t from, uint32_t to) {
  rtp_stream_rewriter_config c;
  c.ssrc = ssrc;
  c.initial_sequence = sequence;
  c.initial_timestamp = timestamp;
  c.input_clock_rate = from;
  c.output_clock_rate = to;
  return c;
}

uint64_t frames_for(int samples) {
  return static_cast<uint64_t>((samples + audio_transcoder::frame_samples - 1) /
                               audio_transcoder::frame_samples);
}

/// The arrival checks both directions share: a new incoming stream makes the decoder history
/// stale, and reordered audio comes after its gap was concealed, too late to use.
bool accept_arrival(transcoder_direction_state& dir, const rtp_rewrite& r,
                    transcoder_counters& counters) {
  if (r.arrival == rtp_arrival::new_stream && dir.timeline_started) {
    dir.stream_changed = true;
  }
  if (r.arrival != rtp_arrival::in_order && r.arrival != rtp_arrival::new_stream) {
    ++counters.late_dropped;
    return false;
  }
  return true;
}

/// Starts the outgoing timeline at the first audio packet; false when it had started already.
bool start_timeline(transcoder_direction_state& dir, const rtp_rewrite& r) {
  if (dir.timeline_started) {
    return false;
  }
  dir.timeline_started = true;
  dir.frame_timestamp = r.timestamp;
  dir.marker_pending = true;
  return true;
}

}  // namespace

std::string_view to_string(audio_transcoder_error e) {
  switch (e) {
    case audio_transcoder_error::none:
      return "none";
    case audio_transcoder_error::bad_payload_type:
      return "bad_payload_type";
    case audio_transcoder_error::payload_type_clash:
      return "payload_type_clash";
    case audio_transcoder_error::bad_concealment:
      return "bad_concealment";
    case audio_transcoder_error::opus_encoder_failed:
      return "opus_encoder_failed";
    case audio_transcoder_error::opus_decoder_failed:
      return "opus_decoder_failed";
    case audio_transcoder_error::bad_state:
      return "bad_state";
  }
  return "unknown";
}

// -- constructors and destructors ---------------------------------------------

audio_transcoder::audio_transcoder(const audio_transcoder_config& cfg,
                                   std::unique_ptr<opus_decoder> dec,
                                   std::unique_ptr<opus_encoder> enc)
    : config_(cfg),
      to_sip_input_(input_config(cfg.sip_ssrc, cfg.sip_initial_sequence, cfg.sip_initial_timestamp,
                                 browser_clock, sip_clock)),
      decoder_(std::move(dec)),
      to_browser_input_(input_config(cfg.browser_ssrc, cfg.browser_initial_sequence,
                                     cfg.browser_initial_timestamp, sip_clock, browser_clock)),
      encoder_(std::move(enc)) {
  to_sip_.next_sequence = cfg.sip_initial_sequence;
  to_browser_.next_sequence = cfg.browser_initial_sequence;
}

audio_transcoder::~audio_transcoder() = default;

std::unique_ptr<audio_transcoder> audio_transcoder::create(const audio_transcoder_config& cfg,
                                                           audio_transcoder_error& error) {
  error = validate(cfg);
  if (error != audio_transcoder_error::none) {
    return nullptr;
  }
  int code = 0;
  opus_settings dec_settings;
  auto dec = opus_decoder::create(dec_settings, code);
  if (!dec) {
    error = audio_transcoder_error::opus_decoder_failed;
    return nullptr;
  }
  opus_settings enc_settings;
  enc_settings.complexity = cfg.opus_complexity;
  enc_settings.bitrate = cfg.opus_bitrate;
  enc_settings.packet_loss_percent = cfg.opus_packet_loss_percent;
  auto enc = opus_encoder::create(enc_settings, code);
  if (!enc) {
    error = audio_transcoder_error::opus_encoder_failed;
    return nullptr;
  }
  return std::unique_ptr<audio_transcoder>{
      new audio_transcoder(cfg, std::move(dec), std::move(enc))};
}

std::unique_ptr<audio_transcoder> audio_transcoder::restore(
    const audio_transcoder_state& st, std::span<const std::byte> decoder_state,
    std::span<const std::byte> encoder_state, audio_transcoder_error& error) {
  auto t = create(st.config, error);
  if (!t) {
    return nullptr;
  }
  if (!t->decoder_->restore_state(decoder_state) || !t->encoder_->restore_state(encoder_state)) {
    error = audio_transcoder_error::bad_state;
    return nullptr;
  }
  t->to_sip_input_ = rtp_stream_rewriter{st.to_sip.input};
  t->to_sip_ = st.to_sip;
  t->to_sip_.pending_samples = 0;
  t->to_browser_input_ = rtp_stream_rewriter{st.to_browser.input};
  t->to_browser_ = st.to_browser;
  t->to_browser_.pending_samples = 0;
  return t;
}

audio_transcoder_state audio_transcoder::snapshot() const {
  audio_transcoder_state st;
  st.config = config_;
  st.to_sip = to_sip_;
  st.to_sip.input = to_sip_input_.state();
  st.to_browser = to_browser_;
  st.to_browser.input = to_browser_input_.state();
  return st;
}

std::span<const std::byte> audio_transcoder::decoder_state() const {
  return decoder_->state_bytes();
}

std::span<const std::byte> audio_transcoder::encoder_state() const {
  return encoder_->state_bytes();
}

// -- browser -> SIP --------------------------------------------------------------

void audio_transcoder::webrtc_to_sip(const uint8_t* rtp, size_t len, packet_sink emit) {
  auto& dir = to_sip_;
  auto& counters = dir.counters;
  ++counters.packets_in;
  auto in = rtp_packet::parse(rtp, len);
  if (!in) {
    ++counters.malformed_dropped;
    return;
  }
  const uint8_t pt = in->payload_type();
  if (config_.browser_event_payload_type != 0 && pt == config_.browser_event_payload_type) {
    forward_event(*in, dir, to_sip_input_, config_.sip_event_payload_type, config_.sip_ssrc,
                  to_sip_packet_, sizeof(to_sip_packet_), emit);
    return;
  }
  if (pt != config_.browser_opus_payload_type) {
    ++counters.unsupported_dropped;
    return;
  }
  // A packet whose length cannot be read is lost as far as we are concerned: leaving it out
  // of the stream makes the next packet recover it (FEC) or conceal it (PLC).
  const int ticks = opus_packet_samples(in->payload(), in->payload_size(), browser_clock);
  if (ticks <= 0 || ticks > max_packet_samples * static_cast<int>(browser_ticks_per_sample)) {
    ++counters.decode_errors;
    return;
  }
  const auto r = to_sip_input_.rewrite(*in, static_cast<uint32_t>(ticks));
  if (!accept_arrival(dir, r, counters)) {
    return;
  }
  if (!start_timeline(dir, r)) {
    const uint32_t expected = dir.frame_timestamp + dir.pending_samples;
    const int32_t gap = static_cast<int32_t>(r.timestamp - expected);
    if (gap > 0) {
      const bool continuous = !dir.stream_changed && !dir.event_since_audio;
      const auto max_gap = static_cast<int32_t>(config_.max_concealment_ms * sip_clock / 1000);
      if (continuous && gap <= max_gap) {
        conceal_to_sip(gap, r.lost_before == 1 ? &*in : nullptr, emit);
      } else {
        // Finish the frame being filled, then jump: the SIP side sees a new talkspurt.
        int rest = gap;
        if (dir.pending_samples > 0) {
          const int fill = std::min(rest, frame_samples - static_cast<int>(dir.pending_samples));
          conceal_to_sip(fill, nullptr, emit);
          rest -= fill;
        }
        if (rest > 0) {
          dir.frame_timestamp = r.timestamp;
          dir.marker_pending = true;
          ++counters.skipped_gaps;
        }
      }
    }
  }
  if (dir.stream_changed) {
    // Another sender (new SSRC or restart): its first audio starts a talkspurt of ours.
    decoder_->reset();
    dir.marker_pending = true;
  }
  dir.stream_changed = false;
  dir.event_since_audio = false;
  const int got = decoder_->decode(in->payload(), in->payload_size(), decoded_, max_packet_samples);
  if (got < 0) {
    ++counters.decode_errors;
    return;
  }
  append_to_sip(decoded_, got, emit);
}

void audio_transcoder::conceal_to_sip(int samples, const rtp_packet* fec_source,
                                      packet_sink& emit) {
  auto& counters = to_sip_.counters;
  counters.concealed_samples += static_cast<uint64_t>(samples);
  counters.concealed_frames += frames_for(samples);
  // libopus conceals in 2.5 ms steps; a remainder (never seen from a real browser) is silence.
  const int remainder = samples % opus_granule;
  if (remainder > 0) {
    append_silence_to_sip(remainder, emit);
  }
  int left = samples - remainder;
  while (left > 0) {
    const int chunk = std::min(left, max_packet_samples);
    int got = 0;
    if (fec_source != nullptr && chunk == left) {
      got = decoder_->recover(fec_source->payload(), fec_source->payload_size(), decoded_, chunk);
      if (got > 0) {
        ++counters.fec_recoveries;
      }
    } else {
      got = decoder_->conceal(decoded_, chunk);
    }
    if (got <= 0) {
      ++counters.decode_errors;
      append_silence_to_sip(chunk, emit);
    } else {
      append_to_sip(decoded_, got, emit);
    }
    left -= chunk;
  }
}

void audio_transcoder::append_to_sip(const int16_t* pcm, int count, packet_sink& emit) {
  // A null `pcm` appends silence (a gap too long to conceal).
  auto& dir = to_sip_;
  while (count > 0) {
    const int room = frame_samples - dir.pending_samples;
    const int n = std::min(room, count);
    if (pcm != nullptr) {
      std::memcpy(to_sip_frame_ + dir.pending_samples, pcm, sizeof(int16_t) * n);
      pcm += n;
    } else {
      std::fill_n(to_sip_frame_ + dir.pending_samples, n, int16_t{0});
    }
    dir.pending_samples = static_cast<uint16_t>(dir.pending_samples + n);
    count -= n;
    if (dir.pending_samples == frame_samples) {
      send_sip_frame(emit);
    }
  }
}

void audio_transcoder::append_silence_to_sip(int count, packet_sink& emit) {
  append_to_sip(nullptr, count, emit);
}

void audio_transcoder::send_sip_frame(packet_sink& emit) {
  auto& dir = to_sip_;
  rtp_header h;
  h.payload_type = config_.sip_codec_payload_type;
  h.marker = dir.marker_pending;
  h.sequence = dir.next_sequence++;
  h.timestamp = dir.frame_timestamp;
  h.ssrc = config_.sip_ssrc;
  write_rtp_header(to_sip_packet_, sizeof(to_sip_packet_), h);
  g711_encode(config_.sip_codec, to_sip_frame_, frame_samples,
              to_sip_packet_ + rtp_fixed_header_size);
  dir.frame_timestamp += frame_samples;
  dir.pending_samples = 0;
  dir.marker_pending = false;
  ++dir.counters.packets_out;
  emit(to_sip_packet_, sizeof(to_sip_packet_));
}

// -- SIP -> browser --------------------------------------------------------------

void audio_transcoder::sip_to_webrtc(const uint8_t* rtp, size_t len, packet_sink emit) {
  auto& dir = to_browser_;
  auto& counters = dir.counters;
  ++counters.packets_in;
  auto in = rtp_packet::parse(rtp, len);
  if (!in) {
    ++counters.malformed_dropped;
    return;
  }
  const uint8_t pt = in->payload_type();
  if (config_.sip_event_payload_type != 0 && pt == config_.sip_event_payload_type) {
    forward_event(*in, dir, to_browser_input_, config_.browser_event_payload_type,
                  config_.browser_ssrc, to_browser_packet_, sizeof(to_browser_packet_), emit);
    return;
  }
  if (pt != config_.sip_codec_payload_type) {
    // Comfort noise (13) among others: the gap it leaves is passed on as a jump.
    ++counters.unsupported_dropped;
    return;
  }
  if (in->payload_size() == 0) {
    ++counters.malformed_dropped;
    return;
  }
  const auto r = to_browser_input_.rewrite(*in, static_cast<uint32_t>(in->payload_size()));
  if (!accept_arrival(dir, r, counters)) {
    return;
  }
  if (!start_timeline(dir, r)) {
    const uint32_t expected = dir.frame_timestamp + dir.pending_samples * browser_ticks_per_sample;
    const int32_t gap_ticks = static_cast<int32_t>(r.timestamp - expected);
    // G.711 has no concealment worth the name; the browser's jitter buffer and Opus PLC do it
    // better from a timestamp jump. Only the frame being filled is completed (with silence).
    if (gap_ticks >= static_cast<int32_t>(browser_ticks_per_sample)) {
      int rest = gap_ticks / static_cast<int32_t>(browser_ticks_per_sample);
      if (dir.pending_samples > 0) {
        const int fill = std::min(rest, frame_samples - static_cast<int>(dir.pending_samples));
        counters.concealed_samples += static_cast<uint64_t>(fill);
        counters.concealed_frames += frames_for(fill);
        append_silence_to_browser(fill, emit);
        rest -= fill;
      }
      if (rest > 0) {
        dir.frame_timestamp = r.timestamp;
        dir.marker_pending = true;
        ++counters.skipped_gaps;
      }
    }
  }
  if (dir.stream_changed) {
    dir.marker_pending = true;
  }
  dir.stream_changed = false;
  dir.event_since_audio = false;
  append_to_browser(in->payload(), in->payload_size(), emit);
}

void audio_transcoder::append_to_browser(const uint8_t* codes, size_t count, packet_sink& emit) {
  auto& dir = to_browser_;
  while (count > 0) {
    const size_t room = frame_samples - dir.pending_samples;
    const size_t n = std::min(room, count);
    g711_decode(config_.sip_codec, codes, n, to_browser_frame_ + dir.pending_samples);
    dir.pending_samples = static_cast<uint16_t>(dir.pending_samples + n);
    codes += n;
    count -= n;
    if (dir.pending_samples == frame_samples) {
      send_browser_frame(emit);
    }
  }
}

void audio_transcoder::append_silence_to_browser(int count, packet_sink& emit) {
  auto& dir = to_browser_;
  while (count > 0) {
    const int room = frame_samples - dir.pending_samples;
    const int n = std::min(room, count);
    std::fill_n(to_browser_frame_ + dir.pending_samples, n, int16_t{0});
    dir.pending_samples = static_cast<uint16_t>(dir.pending_samples + n);
    count -= n;
    if (dir.pending_samples == frame_samples) {
      send_browser_frame(emit);
    }
  }
}

void audio_transcoder::send_browser_frame(packet_sink& emit) {
  auto& dir = to_browser_;
  const int bytes = encoder_->encode(to_browser_frame_, frame_samples,
                                     to_browser_packet_ + rtp_fixed_header_size, max_opus_payload);
  const uint32_t timestamp = dir.frame_timestamp;
  dir.frame_timestamp += frame_samples * browser_ticks_per_sample;
  dir.pending_samples = 0;
  if (bytes <= 0) {
    // The frame is skipped; the browser sees the jump and conceals it.
    ++dir.counters.encode_errors;
    return;
  }
  rtp_header h;
  h.payload_type = config_.browser_opus_payload_type;
  h.marker = dir.marker_pending;
  h.sequence = dir.next_sequence++;
  h.timestamp = timestamp;
  h.ssrc = config_.browser_ssrc;
  write_rtp_header(to_browser_packet_, sizeof(to_browser_packet_), h);
  dir.marker_pending = false;
  ++dir.counters.packets_out;
  emit(to_browser_packet_, rtp_fixed_header_size + static_cast<size_t>(bytes));
}

// -- both -------------------------------------------------------------------------

void audio_transcoder::forward_event(const rtp_packet& in, transcoder_direction_state& dir,
                                     rtp_stream_rewriter& input, uint8_t out_payload_type,
                                     uint32_t out_ssrc, uint8_t* out, size_t cap,
                                     packet_sink& emit) {
  auto& counters = dir.counters;
  if (out_payload_type == 0) {
    ++counters.unsupported_dropped;
    return;
  }
  const auto r = input.rewrite(in);
  if (r.arrival == rtp_arrival::new_stream && dir.timeline_started) {
    dir.stream_changed = true;
  }
  // A late event packet still carries a valid duration: only repeats and strays are dropped.
  if (!r.accepted()) {
    ++counters.late_dropped;
    return;
  }
  const auto& st = input.state();
  const size_t n = rescale_telephone_event(in.payload(), in.payload_size(), st.input_clock_rate,
                                           st.output_clock_rate, out + rtp_fixed_header_size,
                                           cap - rtp_fixed_header_size);
  if (n == 0) {
    ++counters.malformed_dropped;
    return;
  }
  ++counters.events_in;
  rtp_header h;
  h.payload_type = out_payload_type;
  // RFC 4733: the marker flags an event's first packet; keep the sender's.
  h.marker = in.marker();
  h.sequence = dir.next_sequence++;
  h.timestamp = r.timestamp;
  h.ssrc = out_ssrc;
  write_rtp_header(out, cap, h);
  dir.event_since_audio = true;
  ++counters.events_out;
  ++counters.packets_out;
  emit(out, rtp_fixed_header_size + n);
}

}  // namespace wrtc::media
