// The actor of one transcoded call: the codec pair and DTMF mapping its media worker runs, the
// transcoding counters, and its share of the xcoding metrics.
#pragma once

#include <cstdint>
#include <string>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "protocols/metrics/gateway_metrics.hpp"

namespace wrtc {

/// What is transcoded and how it went. The codec state itself lives with the packets on the
/// call's media worker; this is the control plane's record of it.
struct transcoder_data {
  uint64_t call_id = 0;
  std::string browser_codec;  // "opus/48000/2"
  int browser_pt = -1;
  int browser_dtmf_pt = -1;
  std::string sip_codec;  // "PCMU/8000" or "PCMA/8000"
  int sip_pt = -1;
  int sip_dtmf_pt = -1;
  /// From the media worker's periodic stats.
  uint64_t frames_to_sip = 0;
  uint64_t frames_to_browser = 0;
  uint64_t concealed_frames = 0;
  uint64_t dropped = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transcoder_data& x) {
  return f(caf::meta::type_name("transcoder"), x.call_id, x.browser_codec, x.browser_pt,
           x.browser_dtmf_pt, x.sip_codec, x.sip_pt, x.sip_dtmf_pt, x.frames_to_sip,
           x.frames_to_browser, x.concealed_frames, x.dropped);
}

struct transcoder_state {
  transcoder_data data;
  // Passed by argument, owned by the node.
  metrics::gateway_metrics* metrics = nullptr;
  bool counted = false;
  static inline const char* name = "transcoder";
};

/// Counts itself in wrtc_current/peak/total_xcoding_calls from spawn until it exits (linked to
/// nothing: its call leg stops it). Messages: `(media_stats_atom, call_media_stats)`,
/// `(state_atom) -> transcoder_data`.
caf::behavior transcoder(caf::stateful_actor<transcoder_state>* self, transcoder_data data,
                         metrics::gateway_metrics* metrics);

}  // namespace wrtc
