// The media plane of the process: workers, the DTLS identity, the port range, and the call API.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "media/call/call_media_listener.hpp"
#include "media/call/call_media_options.hpp"
#include "media/dtls/dtls_transport.hpp"
#include "media/ice/ice_agent.hpp"
#include "media/worker/port_allocator.hpp"

namespace wrtc::media {

class call_media;
class dtls_certificate;
class media_worker;

/// What the engine is built with (`gateway.workers-count`, `media.*`, TURN).
struct media_engine_config {
  int workers_count = 1;
  /// IP literal: ICE host candidates and SIP-side sockets bind here only.
  std::string address = "127.0.0.1";
  uint16_t port_min = 40000;
  uint16_t port_max = 43000;
  /// Adds a relay candidate to every call when set.
  std::optional<turn_server> turn;
};

/// Owns `workers_count` media workers and places each call on the least-loaded one. The control
/// plane (CAF actors, other threads) calls it from anywhere: every call returns at once (it only
/// posts to the call's worker) and results come back through the call's listener, invoked on
/// that worker's thread.
class media_engine {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Generates the process's DTLS certificate, starts the workers. nullptr and `error` set when
  /// the configuration is unusable or the certificate cannot be made.
  static std::unique_ptr<media_engine> create(media_engine_config config, std::string& error);

  /// Destroys every call on its worker (no callbacks), then stops and joins the workers.
  ~media_engine();

  media_engine(const media_engine&) = delete;
  media_engine& operator=(const media_engine&) = delete;

  // -- any thread: the call API ------------------------------------------------

  /// Places a new call and starts it: media_ready (or media_failed) follows. Returns `call_id`,
  /// or 0 when refused at once (id 0 or already in use, no listener, engine stopping).
  uint64_t create_call(uint64_t call_id, call_media_options options,
                       std::shared_ptr<call_media_listener> listener);

  /// The browser's SDP: ICE credentials and candidates (`candidate:...`, optionally ending with
  /// `end-of-candidates`), DTLS fingerprint and our DTLS role, payload types. Starts the
  /// connect timeout. Unknown ids are ignored.
  void set_remote_webrtc(uint64_t call_id, std::string ufrag, std::string pwd,
                         std::vector<std::string> candidates, std::string fp_algorithm,
                         std::string fp_value, dtls_role our_role, int opus_pt, int dtmf_pt);

  /// Trickled browser candidates.
  void add_remote_candidates(uint64_t call_id, std::vector<std::string> candidates);

  /// The SIP peer's RTP address (IP literal) and payload types.
  void set_remote_sip(uint64_t call_id, std::string address, uint16_t port, int codec_pt,
                      int dtmf_pt);

  /// Releases the call on its worker (sockets, agent, ports). Unknown ids are ignored.
  void destroy_call(uint64_t call_id);

  // -- any thread: properties --------------------------------------------------

  /// The certificate every call presents (its fingerprint goes into our SDP).
  const std::shared_ptr<const dtls_certificate>& certificate() const { return certificate_; }

  /// Calls per worker, in worker order (placement, metrics).
  std::vector<int> loads() const;

  /// Calls currently placed.
  size_t calls() const;

  /// Ports handed out (ICE and RTP) now.
  size_t ports_in_use() const { return ports_.in_use(); }

  const media_engine_config& config() const { return config_; }

 private:
  // One worker and the calls that live on it.
  struct worker_slot {
    // Allocated by this.
    std::unique_ptr<media_worker> worker;
    // Touched on the worker thread only.
    std::unordered_map<uint64_t, std::unique_ptr<call_media>> calls;
  };

  media_engine(media_engine_config config, std::shared_ptr<const dtls_certificate> cert);

  // Posts `fn(call)` to the call's worker; `fn` runs only if the call still exists there.
  template <class F>
  void with_call(uint64_t call_id, F fn);

  media_engine_config config_;
  // Shared with every dtls_transport (read-only).
  std::shared_ptr<const dtls_certificate> certificate_;
  // Allocated by this; thread-safe; outlives the workers (declared before them).
  port_allocator ports_;
  // Allocated by this.
  std::vector<std::unique_ptr<worker_slot>> slots_;

  // Guarded by mutex_: which worker holds which call (control plane only, never per packet).
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, worker_slot*> placement_;
  bool stopping_ = false;
};

}  // namespace wrtc::media
