// libopus encoder and decoder states in blocks we allocate, so that they can be copied whole.
#include "media/codec/opus_codec.hpp"

#include <opus/opus.h>

#include <climits>
#include <cstring>

namespace wrtc::media {

namespace {

size_t blocks_for(size_t bytes) {
  return (bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
}

int clamp_len(size_t len) {
  return len > INT_MAX ? INT_MAX : static_cast<int>(len);
}

}  // namespace

std::string_view opus_library_version() {
  return opus_get_version_string();
}

std::string_view opus_error_text(int code) {
  return opus_strerror(code);
}

int opus_packet_samples(const uint8_t* packet, size_t len, int sample_rate) {
  if (packet == nullptr || len == 0) {
    return OPUS_INVALID_PACKET;
  }
  return opus_packet_get_nb_samples(packet, clamp_len(len), sample_rate);
}

// -- opus_encoder ---------------------------------------------------------------

opus_encoder::opus_encoder(const opus_settings& settings, size_t size)
    : settings_(settings), size_(size), block_(new std::max_align_t[blocks_for(size)]) {
  // nop
}

std::unique_ptr<opus_encoder> opus_encoder::create(const opus_settings& settings, int& error) {
  if (settings.channels != 1 && settings.channels != 2) {
    error = OPUS_BAD_ARG;
    return nullptr;
  }
  const int size = opus_encoder_get_size(settings.channels);
  if (size <= 0) {
    error = OPUS_INTERNAL_ERROR;
    return nullptr;
  }
  std::unique_ptr<opus_encoder> enc{new opus_encoder(settings, static_cast<size_t>(size))};
  auto* st = reinterpret_cast<OpusEncoder*>(enc->block_.get());
  error = opus_encoder_init(st, settings.sample_rate, settings.channels, OPUS_APPLICATION_VOIP);
  if (error != OPUS_OK) {
    return nullptr;
  }
  const int bitrate = settings.bitrate == 0 ? OPUS_AUTO : settings.bitrate;
  const int codes[] = {
      opus_encoder_ctl(st, OPUS_SET_COMPLEXITY(settings.complexity)),
      opus_encoder_ctl(st, OPUS_SET_BITRATE(bitrate)),
      opus_encoder_ctl(st, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)),
      opus_encoder_ctl(st, OPUS_SET_INBAND_FEC(settings.inband_fec ? 1 : 0)),
      opus_encoder_ctl(st, OPUS_SET_PACKET_LOSS_PERC(settings.packet_loss_percent)),
      opus_encoder_ctl(st, OPUS_SET_DTX(settings.dtx ? 1 : 0)),
  };
  for (int code : codes) {
    if (code != OPUS_OK) {
      error = code;
      return nullptr;
    }
  }
  return enc;
}

int opus_encoder::encode(const int16_t* pcm, int frame_samples, uint8_t* out, size_t cap) {
  auto* st = reinterpret_cast<OpusEncoder*>(block_.get());
  return opus_encode(st, pcm, frame_samples, out, static_cast<opus_int32>(clamp_len(cap)));
}

std::span<const std::byte> opus_encoder::state_bytes() const {
  return {reinterpret_cast<const std::byte*>(block_.get()), size_};
}

bool opus_encoder::restore_state(std::span<const std::byte> bytes) {
  if (bytes.size() != size_) {
    return false;
  }
  std::memcpy(block_.get(), bytes.data(), size_);
  return true;
}

// -- opus_decoder ---------------------------------------------------------------

opus_decoder::opus_decoder(const opus_settings& settings, size_t size)
    : settings_(settings), size_(size), block_(new std::max_align_t[blocks_for(size)]) {
  // nop
}

std::unique_ptr<opus_decoder> opus_decoder::create(const opus_settings& settings, int& error) {
  if (settings.channels != 1 && settings.channels != 2) {
    error = OPUS_BAD_ARG;
    return nullptr;
  }
  const int size = opus_decoder_get_size(settings.channels);
  if (size <= 0) {
    error = OPUS_INTERNAL_ERROR;
    return nullptr;
  }
  std::unique_ptr<opus_decoder> dec{new opus_decoder(settings, static_cast<size_t>(size))};
  auto* st = reinterpret_cast<OpusDecoder*>(dec->block_.get());
  error = opus_decoder_init(st, settings.sample_rate, settings.channels);
  if (error != OPUS_OK) {
    return nullptr;
  }
  return dec;
}

int opus_decoder::decode(const uint8_t* packet, size_t len, int16_t* pcm, int max_samples) {
  // libopus reads a NULL packet as "lost": never let an empty payload mean that by accident.
  if (packet == nullptr || len == 0) {
    return OPUS_INVALID_PACKET;
  }
  auto* st = reinterpret_cast<OpusDecoder*>(block_.get());
  return opus_decode(st, packet, clamp_len(len), pcm, max_samples, 0);
}

int opus_decoder::conceal(int16_t* pcm, int samples) {
  auto* st = reinterpret_cast<OpusDecoder*>(block_.get());
  return opus_decode(st, nullptr, 0, pcm, samples, 0);
}

int opus_decoder::recover(const uint8_t* next_packet, size_t len, int16_t* pcm, int samples) {
  if (next_packet == nullptr || len == 0) {
    return conceal(pcm, samples);
  }
  auto* st = reinterpret_cast<OpusDecoder*>(block_.get());
  return opus_decode(st, next_packet, clamp_len(len), pcm, samples, 1);
}

void opus_decoder::reset() {
  auto* st = reinterpret_cast<OpusDecoder*>(block_.get());
  opus_decoder_ctl(st, OPUS_RESET_STATE);
}

std::span<const std::byte> opus_decoder::state_bytes() const {
  return {reinterpret_cast<const std::byte*>(block_.get()), size_};
}

bool opus_decoder::restore_state(std::span<const std::byte> bytes) {
  if (bytes.size() != size_) {
    return false;
  }
  std::memcpy(block_.get(), bytes.data(), size_);
  return true;
}

}  // namespace wrtc::media
