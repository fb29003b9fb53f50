// Forwards a call's media events from its media worker thread to its call leg actor.
#pragma once

#include <caf/actor.hpp>
#include <caf/send.hpp>

#include "actors/messages.hpp"
#include "media/call/call_media_listener.hpp"

namespace wrtc {

/// Runs on the media worker: every callback is one anon_send, never a block.
class call_media_bridge : public media::call_media_listener {
 public:
  explicit call_media_bridge(caf::actor leg) : leg_(std::move(leg)) {}

  void media_ready(uint64_t, const media::local_webrtc_params& webrtc,
                   const media::local_sip_params& sip) override {
    caf::anon_send(leg_, media_ready_atom::value, webrtc, sip);
  }

  void media_connected(uint64_t) override { caf::anon_send(leg_, media_connected_atom::value); }

  void media_failed(uint64_t, std::string reason, bool ice) override {
    caf::anon_send(leg_, media_failed_atom::value, std::move(reason), ice);
  }

  void media_stats(uint64_t, const media::call_media_stats& stats) override {
    caf::anon_send(leg_, media_stats_atom::value, stats);
  }

 private:
  // Passed by argument: the leg this call's media reports to.
  caf::actor leg_;
};

}  // namespace wrtc
