// RAII wrappers around one libopus encoder and one decoder (the only file that calls libopus).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace wrtc::media {

/// How an Opus encoder or decoder is set up. The defaults are the gateway's: mono at 8 kHz
/// toward a G.711 leg, so that no resampling is ever needed.
struct opus_settings {
  /// 8000, 12000, 16000, 24000 or 48000 (the libopus API rate, not the RTP clock, which is
  /// always 48000 for Opus).
  int sample_rate = 8000;
  /// 1 or 2.
  int channels = 1;
  /// Encoder only: 0..10, higher is better and slower (5: 42 µs per 20 ms at 8 kHz).
  int complexity = 5;
  /// Encoder only: bits per second, 0 for libopus' automatic choice.
  int bitrate = 16000;
  /// Encoder only: in-band FEC (LBRR) so the browser can recover a lost packet from the next.
  bool inband_fec = true;
  /// Encoder only: the loss rate FEC is sized for; 0 disables LBRR even with inband_fec.
  int packet_loss_percent = 10;
  /// Encoder only: discontinuous transmission (off: a packet every frame, steady timestamps).
  bool dtx = false;
};

/// libopus' version string, e.g. "libopus 1.3.1": a migrated state is only valid for the same
/// build (the state block layout is not a stable format).
std::string_view opus_library_version();

/// libopus' text for a negative return code.
std::string_view opus_error_text(int code);

/// Samples per channel a packet decodes to at `sample_rate` (from its TOC byte), or a negative
/// libopus error for an invalid packet.
int opus_packet_samples(const uint8_t* packet, size_t len, int sample_rate);

/// One OpusEncoder in VOIP mode. The state is a single position-independent block allocated
/// once: `state_bytes()` can be copied out and `restore_state()` copied back (migration).
/// Not thread-safe: lives on one thread.
class opus_encoder {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Returns nullptr and sets `error` (a libopus code) when the settings are refused.
  static std::unique_ptr<opus_encoder> create(const opus_settings& settings, int& error);

  opus_encoder(const opus_encoder&) = delete;
  opus_encoder& operator=(const opus_encoder&) = delete;

  // -- encoding ----------------------------------------------------------------

  /// Encodes one frame of `frame_samples` per channel (2.5, 5, 10, 20, 40 or 60 ms at the
  /// settings' rate) into `out[0..cap)`. Returns the packet size, or a negative libopus error.
  int encode(const int16_t* pcm, int frame_samples, uint8_t* out, size_t cap);

  // -- state -----------------------------------------------------------------

  const opus_settings& settings() const { return settings_; }

  /// The whole encoder state as bytes (valid until the next call on this encoder).
  std::span<const std::byte> state_bytes() const;

  /// Replaces the state with one taken from an encoder of the same settings and libopus build;
  /// false (state unchanged) when the size does not match.
  bool restore_state(std::span<const std::byte> bytes);

 private:
  opus_encoder(const opus_settings& settings, size_t size);

  // Set at creation.
  opus_settings settings_;
  size_t size_;
  // Allocated by this: the OpusEncoder block (max_align_t for the alignment libopus assumes).
  std::unique_ptr<std::max_align_t[]> block_;
};

/// One OpusDecoder with packet loss concealment and in-band FEC recovery. Same state rules as
/// `opus_encoder`. Not thread-safe: lives on one thread.
class opus_decoder {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Returns nullptr and sets `error` (a libopus code) when the settings are refused.
  static std::unique_ptr<opus_decoder> create(const opus_settings& settings, int& error);

  opus_decoder(const opus_decoder&) = delete;
  opus_decoder& operator=(const opus_decoder&) = delete;

  // -- decoding ----------------------------------------------------------------

  /// Decodes one packet into `pcm` (room for `max_samples` per channel). Returns the samples
  /// per channel written, or a negative libopus error (the state is unchanged then).
  int decode(const uint8_t* packet, size_t len, int16_t* pcm, int max_samples);

  /// Packet loss concealment: synthesizes `samples` per channel (a multiple of 2.5 ms) where
  /// packets are missing. Returns the samples written or a negative libopus error.
  int conceal(int16_t* pcm, int samples);

  /// Recovers the `samples` just before `next_packet` from its in-band FEC data (concealing the
  /// part FEC does not cover, or all of it when the packet carries none). Call it before
  /// decoding `next_packet` itself. Returns the samples written or a negative libopus error.
  int recover(const uint8_t* next_packet, size_t len, int16_t* pcm, int samples);

  /// Forgets the stream (a new sender): the next packet decodes without history.
  void reset();

  // -- state -----------------------------------------------------------------

  const opus_settings& settings() const { return settings_; }

  /// The whole decoder state as bytes (valid until the next call on this decoder).
  std::span<const std::byte> state_bytes() const;

  /// As opus_encoder::restore_state.
  bool restore_state(std::span<const std::byte> bytes);

 private:
  opus_decoder(const opus_settings& settings, size_t size);

  // Set at creation.
  opus_settings settings_;
  size_t size_;
  // Allocated by this: the OpusDecoder block.
  std::unique_ptr<std::max_align_t[]> block_;
};

}  // namespace wrtc::media
