// Interpreting a browser's SDP.
#include "protocols/sdp/webrtc_media.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

namespace {

constexpr std::string_view savpf = "UDP/TLS/RTP/SAVPF";

struct hash_length {
  std::string_view name;
  std::size_t bytes;
};

// In order of preference after sha-256.
constexpr std::array<hash_length, 5> known_hashes{{
    {"sha-256", 32},
    {"sha-384", 48},
    {"sha-512", 64},
    {"sha-224", 28},
    {"sha-1", 20},
}};

std::optional<webrtc_audio> fail(sdp_error& error, sdp_errc code, std::string detail = {}) {
  error = sdp_error{code, std::move(detail)};
  return std::nullopt;
}

// Where the transport attributes of a bundled m-line live: itself, then the BUNDLE-tagged
// m-line, then the session.
class transport_scope {
 public:
  transport_scope(const session_description& sdp, const media_description& audio,
                  const media_description* tagged)
      : levels_{&audio.attributes, tagged != nullptr ? &tagged->attributes : nullptr,
                &sdp.attributes} {
    // nop
  }

  template <class Get>
  auto first(Get get) const -> decltype(get(std::declval<const attribute_set&>())) {
    for (const auto* level : levels_) {
      if (level == nullptr) {
        continue;
      }
      if (auto value = get(*level)) {
        return value;
      }
    }
    return {};
  }

  bool any(bool attribute_set::*flag) const {
    return std::any_of(levels_.begin(), levels_.end(),
                       [&](const attribute_set* l) { return l != nullptr && l->*flag; });
  }

  const std::array<const attribute_set*, 3>& levels() const { return levels_; }

 private:
  // Passed by argument (the description outlives this).
  std::array<const attribute_set*, 3> levels_;
};

std::optional<fingerprint> choose_fingerprint(const transport_scope& scope) {
  for (const auto* level : scope.levels()) {
    if (level == nullptr || level->fingerprints.empty()) {
      continue;
    }
    // The most specific level with fingerprints decides; within it prefer the strongest known.
    for (const auto& hash : known_hashes) {
      for (const auto& f : level->fingerprints) {
        if (grammar::iequals(f.algorithm, hash.name) &&
            grammar::fingerprint_bytes(f.value) == hash.bytes) {
          return fingerprint{std::string(hash.name), f.value};
        }
      }
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::size_t fingerprint_length(std::string_view algorithm) {
  for (const auto& hash : known_hashes) {
    if (grammar::iequals(algorithm, hash.name)) {
      return hash.bytes;
    }
  }
  return 0;
}

std::optional<webrtc_audio> read_webrtc_audio(const session_description& sdp, sdp_error& error) {
  const media_description* audio = nullptr;
  bool any_audio = false;
  webrtc_audio out;
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    const auto& m = sdp.media[i];
    if (m.media != "audio") {
      continue;
    }
    any_audio = true;
    if (m.port != 0 || m.attributes.has_other("bundle-only")) {
      audio = &m;
      out.mline_index = i;
      break;
    }
  }
  if (audio == nullptr) {
    return fail(error, any_audio ? sdp_errc::audio_rejected : sdp_errc::no_audio);
  }
  if (audio->proto != savpf) {
    return fail(error, sdp_errc::not_savpf);
  }

  const media_description* tagged = nullptr;
  if (audio->attributes.mid) {
    out.mid = *audio->attributes.mid;
    if (const auto* g = sdp.attributes.find_group("BUNDLE", out.mid)) {
      out.bundle = g->mids;
      tagged = sdp.find_mid(g->mids.front());
      if (tagged == audio) {
        tagged = nullptr;
      }
    }
  }
  transport_scope scope(sdp, *audio, tagged);

  auto ufrag = scope.first([](const attribute_set& a) { return a.ice_ufrag; });
  auto pwd = scope.first([](const attribute_set& a) { return a.ice_pwd; });
  if (!ufrag || !pwd) {
    return fail(error, sdp_errc::no_ice_credentials);
  }
  if (ufrag->size() < min_ice_ufrag_length || pwd->size() < min_ice_pwd_length) {
    return fail(error, sdp_errc::bad_ice_credentials, "too short");
  }
  out.ice_ufrag = std::move(*ufrag);
  out.ice_pwd = std::move(*pwd);
  auto options = scope.first([](const attribute_set& a) {
    return a.ice_options.empty() ? std::optional<std::vector<std::string>>{}
                                 : std::optional<std::vector<std::string>>{a.ice_options};
  });
  if (options) {
    out.ice_options = std::move(*options);
  }
  out.ice_lite = scope.any(&attribute_set::ice_lite);
  auto candidates = scope.first([](const attribute_set& a) {
    return a.candidates.empty() ? std::optional<std::vector<ice_candidate>>{}
                                : std::optional<std::vector<ice_candidate>>{a.candidates};
  });
  if (candidates) {
    out.candidates = std::move(*candidates);
  }
  out.end_of_candidates = scope.any(&attribute_set::end_of_candidates);

  auto chosen = choose_fingerprint(scope);
  if (!chosen) {
    return fail(error, sdp_errc::no_fingerprint);
  }
  out.dtls_fingerprint = std::move(*chosen);
  out.setup = scope.first([](const attribute_set& a) { return a.setup; });

  if (!scope.any(&attribute_set::rtcp_mux)) {
    return fail(error, sdp_errc::no_rtcp_mux);
  }

  auto opus = audio->find_payload_type("opus", 48000, 2);
  if (!opus) {
    return fail(error, sdp_errc::no_opus);
  }
  out.opus_payload_type = *opus;
  if (const auto* f = audio->attributes.find_fmtp(*opus)) {
    out.opus_fmtp = f->parameters;
  }
  for (uint32_t rate : {48000U, 8000U}) {
    if (auto te = audio->find_payload_type("telephone-event", rate)) {
      out.telephone_event_payload_type = te;
      out.telephone_event_clock_rate = rate;
      break;
    }
  }
  out.direction = audio->effective_direction(sdp.attributes.direction);
  out.rtcp_rsize = audio->attributes.rtcp_rsize;
  return out;
}

}  // namespace wrtc::sdp
