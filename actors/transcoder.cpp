// Transcoder actor.
#include "actors/transcoder.hpp"

namespace wrtc {

caf::behavior transcoder(caf::stateful_actor<transcoder_state>* self, transcoder_data data,
                         metrics::gateway_metrics* metrics) {
  auto& st = self->state;
  st.data = std::move(data);
  st.metrics = metrics;
  if (st.metrics != nullptr) {
    st.metrics->xcoding_calls.started();
    st.counted = true;
  }
  self->attach_functor([metrics, counted = st.counted] {
    if (counted && metrics != nullptr) metrics->xcoding_calls.ended();
  });
  return {
    [=](media_stats_atom, const media::call_media_stats& stats) {
      auto& d = self->state.data;
      d.frames_to_sip = stats.sip.packets_out;
      d.frames_to_browser = stats.browser.packets_out;
      d.concealed_frames = stats.concealed_frames;
      d.dropped = stats.transcoder_dropped;
    },
    [=](state_atom) { return self->state.data; },
  };
}

}  // namespace wrtc
