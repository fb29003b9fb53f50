// One transcoded call's audio: browser Opus RTP <-> SIP G.711 RTP, with telephone-event both ways.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "media/codec/g711.hpp"
#include "media/rtp/packet_sink.hpp"
#include "media/rtp/rtp_packet.hpp"
#include "media/rtp/rtp_stream_rewriter.hpp"

namespace wrtc::media {

class opus_decoder;
class opus_encoder;

/// What the two offer/answer exchanges settled, and our outgoing streams.
struct audio_transcoder_config {
  // -- browser side: Opus, RTP clock 48 kHz ----------------------------------
  /// opus/48000/2 payload type from the browser's SDP (111 in Chromium).
  uint8_t browser_opus_payload_type = 111;
  /// telephone-event/48000 payload type (e.g. 126 or 101), 0 when not negotiated.
  uint8_t browser_event_payload_type = 0;
  /// Our SSRC, first sequence number and first timestamp toward the browser (draw them at
  /// random, RFC 3550 §5.1).
  uint32_t browser_ssrc = 0;
  uint16_t browser_initial_sequence = 0;
  uint32_t browser_initial_timestamp = 0;

  // -- SIP side: G.711, RTP clock 8 kHz --------------------------------------
  g711_law sip_codec = g711_law::pcmu;
  /// 0 for PCMU, 8 for PCMA (static), as answered.
  uint8_t sip_codec_payload_type = 0;
  /// telephone-event/8000 payload type (101 typically), 0 when not negotiated.
  uint8_t sip_event_payload_type = 0;
  /// Our SSRC, first sequence number and first timestamp toward the SIP peer.
  uint32_t sip_ssrc = 0;
  uint16_t sip_initial_sequence = 0;
  uint32_t sip_initial_timestamp = 0;

  // -- Opus encoder toward the browser ---------------------------------------
  /// 0..10 (5: ≈ 42 µs per 20 ms frame on the reference machine).
  int opus_complexity = 5;
  /// Bits per second; 0 lets libopus choose.
  int opus_bitrate = 16000;
  /// Loss rate the in-band FEC is sized for (0 turns LBRR off).
  int opus_packet_loss_percent = 10;

  // -- loss toward the SIP side ----------------------------------------------
  /// Gaps in the browser's stream up to this long are filled by Opus PLC (or FEC for one lost
  /// packet) so the SIP side gets an unbroken stream; longer ones become a timestamp jump with
  /// the marker bit. At most 120.
  uint32_t max_concealment_ms = 120;
};

/// Why a transcoder could not be created or restored.
enum class audio_transcoder_error : uint8_t {
  none,
  /// A payload type above 127.
  bad_payload_type,
  /// Audio and telephone-event share a payload type on one side.
  payload_type_clash,
  /// max_concealment_ms above 120.
  bad_concealment,
  /// libopus refused the encoder settings (e.g. complexity outside 0..10).
  opus_encoder_failed,
  /// libopus refused the decoder settings.
  opus_decoder_failed,
  /// restore: a libopus state block of the wrong size (another libopus build).
  bad_state,
};

std::string_view to_string(audio_transcoder_error e);

/// Counters of one direction (plain integers: exported as metrics by the owner).
struct transcoder_counters {
  /// Every packet handed in, whatever became of it.
  uint64_t packets_in = 0;
  /// Packets emitted (audio and telephone-event).
  uint64_t packets_out = 0;
  /// Not RTP, or an unusable payload (empty, or a telephone-event not 4*k bytes).
  uint64_t malformed_dropped = 0;
  /// A payload type not negotiated, or telephone-event the other side did not negotiate.
  uint64_t unsupported_dropped = 0;
  /// Duplicates, too old, out of range, and audio that arrived after its gap was concealed.
  uint64_t late_dropped = 0;
  /// Packets the decoder refused (treated as lost: concealed with the next one).
  uint64_t decode_errors = 0;
  /// Frames the encoder refused (skipped: a timestamp jump for the receiver).
  uint64_t encode_errors = 0;
  /// 20 ms frames (rounded up per gap) synthesized by PLC or FEC, or filled with silence.
  uint64_t concealed_frames = 0;
  uint64_t concealed_samples = 0;
  /// Gaps of one lost packet decoded from the next packet's in-band FEC (libopus falls back to
  /// PLC by itself when that packet carries none).
  uint64_t fec_recoveries = 0;
  /// Gaps too long to conceal, or after a new stream or an event: passed on as a jump.
  uint64_t skipped_gaps = 0;
  /// telephone-event packets received and sent on.
  uint64_t events_in = 0;
  uint64_t events_out = 0;
};

/// The outgoing timeline of one direction (besides its incoming stream rewriter).
struct transcoder_direction_state {
  /// Tracks the incoming stream and maps its timestamps onto ours.
  rtp_stream_rewriter_state input;
  /// Sequence number of the next packet we send (audio and events share it).
  uint16_t next_sequence = 0;
  /// Outgoing timestamp of the first sample of the frame being filled.
  uint32_t frame_timestamp = 0;
  /// Samples of that frame received so far (< 160). Their PCM is not part of this state: after
  /// a restore they count as lost and are concealed like any gap.
  uint16_t pending_samples = 0;
  /// False until the first audio packet.
  bool timeline_started = false;
  /// Set the marker bit on the next audio packet (start, or after a jump).
  bool marker_pending = false;
  /// A telephone-event was sent since the last audio packet (the audio gap it leaves is not
  /// concealed: the event stood in for the audio).
  bool event_since_audio = false;
  /// The incoming stream changed since the last audio packet (decoder history is stale).
  bool stream_changed = false;
  transcoder_counters counters;
};

/// Everything but the PCM of partly filled frames and the two libopus blocks (see
/// `audio_transcoder::decoder_state` / `encoder_state`): plain data for migration and inspection.
struct audio_transcoder_state {
  audio_transcoder_config config;
  transcoder_direction_state to_sip;
  transcoder_direction_state to_browser;
};

/// One per transcoded call, on the thread that owns the call's packet path (not thread-safe).
/// Allocates at creation only: every buffer is a member, every packet is handled in place.
class audio_transcoder {
 public:
  /// Both sides run at 8 kHz inside: one 20 ms frame is 160 samples.
  static constexpr int frame_samples = 160;
  /// The longest Opus packet (120 ms) at 8 kHz.
  static constexpr int max_packet_samples = 960;
  /// The largest Opus payload we produce.
  static constexpr size_t max_opus_payload = 1275;

  // -- constructors and destructors ------------------------------------------

  /// Checks the configuration and creates both libopus states; nullptr and `error` otherwise.
  static std::unique_ptr<audio_transcoder> create(const audio_transcoder_config& cfg,
                                                  audio_transcoder_error& error);

  /// Recreates a transcoder from `snapshot()`, `decoder_state()` and `encoder_state()` taken
  /// elsewhere (same libopus build).
  static std::unique_ptr<audio_transcoder> restore(const audio_transcoder_state& st,
                                                   std::span<const std::byte> decoder_state,
                                                   std::span<const std::byte> encoder_state,
                                                   audio_transcoder_error& error);

  ~audio_transcoder();

  audio_transcoder(const audio_transcoder&) = delete;
  audio_transcoder& operator=(const audio_transcoder&) = delete;

  // -- packet path -----------------------------------------------------------

  /// One decrypted RTP packet from the browser (Opus or telephone-event, 48 kHz clock). Calls
  /// `emit` for each plain RTP packet to send toward SIP (G.711 20 ms, or telephone-event at
  /// 8 kHz): none while a frame fills, several for a long packet or after a concealed gap.
  void webrtc_to_sip(const uint8_t* rtp, size_t len, packet_sink emit);

  /// One RTP packet from the SIP peer (G.711 of any ptime, or telephone-event, 8 kHz clock).
  /// Calls `emit` for each plain RTP packet to protect and send toward the browser (Opus 20 ms
  /// with 48 kHz timestamps, or telephone-event at 48 kHz).
  void sip_to_webrtc(const uint8_t* rtp, size_t len, packet_sink emit);

  // -- state -----------------------------------------------------------------

  const audio_transcoder_config& config() const { return config_; }
  const transcoder_counters& to_sip_counters() const { return to_sip_.counters; }
  const transcoder_counters& to_browser_counters() const { return to_browser_.counters; }

  /// The plain-data state (assembled on demand: not for the packet path).
  audio_transcoder_state snapshot() const;

  /// The libopus blocks (browser -> SIP decoder, SIP -> browser encoder).
  std::span<const std::byte> decoder_state() const;
  std::span<const std::byte> encoder_state() const;

 private:
  audio_transcoder(const audio_transcoder_config& cfg, std::unique_ptr<opus_decoder> dec,
                   std::unique_ptr<opus_encoder> enc);

  // -- browser -> SIP ---------------------------------------------------------
  void conceal_to_sip(int samples, const rtp_packet* fec_source, packet_sink& emit);
  void append_to_sip(const int16_t* pcm, int count, packet_sink& emit);
  void append_silence_to_sip(int count, packet_sink& emit);
  void send_sip_frame(packet_sink& emit);

  // -- SIP -> browser ---------------------------------------------------------
  void append_to_browser(const uint8_t* codes, size_t count, packet_sink& emit);
  void append_silence_to_browser(int count, packet_sink& emit);
  void send_browser_frame(packet_sink& emit);

  // -- both ---------------------------------------------------------------------
  void forward_event(const rtp_packet& in, transcoder_direction_state& dir,
                     rtp_stream_rewriter& input, uint8_t out_payload_type, uint32_t out_ssrc,
                     uint8_t* out, size_t cap, packet_sink& emit);

  // Passed by argument at creation.
  audio_transcoder_config config_;

  // Owned by this: the browser -> SIP direction.
  rtp_stream_rewriter to_sip_input_;
  transcoder_direction_state to_sip_;
  // Allocated by this (its libopus block): decodes the browser's Opus at 8 kHz.
  std::unique_ptr<opus_decoder> decoder_;
  int16_t to_sip_frame_[frame_samples] = {};
  int16_t decoded_[max_packet_samples] = {};
  uint8_t to_sip_packet_[rtp_fixed_header_size + frame_samples] = {};

  // Owned by this: the SIP -> browser direction.
  rtp_stream_rewriter to_browser_input_;
  transcoder_direction_state to_browser_;
  // Allocated by this (its libopus block): encodes 8 kHz frames for the browser.
  std::unique_ptr<opus_encoder> encoder_;
  int16_t to_browser_frame_[frame_samples] = {};
  uint8_t to_browser_packet_[rtp_fixed_header_size + max_opus_payload] = {};
};

}  // namespace wrtc::media
