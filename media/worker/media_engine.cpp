// The media plane of the process: workers, the DTLS identity, the port range, and the call API.
#include "media/worker/media_engine.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <utility>

#include "media/call/call_media.hpp"
#include "media/dtls/dtls_certificate.hpp"
#include "media/worker/media_worker.hpp"

namespace wrtc::media {

namespace {

bool is_ip_literal(const std::string& host) {
  in_addr v4;
  in6_addr v6;
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

}  // namespace

// -- constructors and destructors -----------------------------------------------

std::unique_ptr<media_engine> media_engine::create(media_engine_config config, std::string& error) {
  if (config.workers_count < 1) {
    error = "media: workers-count must be at least 1, got " + std::to_string(config.workers_count);
    return nullptr;
  }
  if (!is_ip_literal(config.address)) {
    error = "media: address must be an IP address, got '" + config.address + "'";
    return nullptr;
  }
  // An ICE port and an RTP/RTCP pair per call: at least one call's worth.
  if (config.port_min == 0 || config.port_max < config.port_min ||
      config.port_max - config.port_min < 3) {
    error = "media: port range " + std::to_string(config.port_min) + ".." +
            std::to_string(config.port_max) + " holds no call (needs 4 ports or more)";
    return nullptr;
  }
  if (!ice_agent::check_library(error)) return nullptr;
  auto cert = dtls_certificate::generate(error);
  if (!cert) return nullptr;
  return std::unique_ptr<media_engine>{new media_engine(std::move(config), std::move(cert))};
}

media_engine::media_engine(media_engine_config config, std::shared_ptr<const dtls_certificate> cert)
    : config_(std::move(config)),
      certificate_(std::move(cert)),
      ports_(config_.port_min, config_.port_max) {
  for (int i = 0; i < config_.workers_count; ++i) {
    auto slot = std::make_unique<worker_slot>();
    slot->worker = std::make_unique<media_worker>("wrtc-media-" + std::to_string(i));
    slot->worker->start();
    slots_.push_back(std::move(slot));
  }
}

media_engine::~media_engine() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stopping_ = true;
    placement_.clear();
  }
  for (auto& slot : slots_) {
    auto* s = slot.get();
    // Queued behind whatever was posted before: every call is torn down on its own thread.
    s->worker->post([s] { s->calls.clear(); });
    s->worker->stop();
  }
  slots_.clear();
}

// -- any thread: the call API -------------------------------------------------------

uint64_t media_engine::create_call(uint64_t call_id, call_media_options options,
                                   std::shared_ptr<call_media_listener> listener) {
  if (call_id == 0 || !listener) return 0;
  worker_slot* slot = nullptr;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_ || placement_.count(call_id) != 0) return 0;
    slot = std::min_element(slots_.begin(), slots_.end(), [](const auto& a, const auto& b) {
             return a->worker->load() < b->worker->load();
           })->get();
    slot->worker->add_load(1);
    placement_.emplace(call_id, slot);
  }
  call_media_context ctx;
  ctx.worker = slot->worker.get();
  ctx.ports = &ports_;
  ctx.address = config_.address;
  ctx.turn = config_.turn;
  ctx.certificate = certificate_;
  slot->worker->post(
      [slot, call_id, ctx = std::move(ctx), options, listener = std::move(listener)]() mutable {
        auto call = std::make_unique<call_media>(call_id, ctx, options, std::move(listener));
        auto* raw = call.get();
        slot->calls[call_id] = std::move(call);
        raw->start();
      });
  return call_id;
}

template <class F>
void media_engine::with_call(uint64_t call_id, F fn) {
  worker_slot* slot = nullptr;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = placement_.find(call_id);
    if (i == placement_.end()) return;
    slot = i->second;
  }
  slot->worker->post([slot, call_id, fn = std::move(fn)]() mutable {
    auto i = slot->calls.find(call_id);
    if (i != slot->calls.end()) fn(*i->second);
  });
}

void media_engine::set_remote_webrtc(uint64_t call_id, std::string ufrag, std::string pwd,
                                     std::vector<std::string> candidates, std::string fp_algorithm,
                                     std::string fp_value, dtls_role our_role, int opus_pt,
                                     int dtmf_pt) {
  remote_webrtc_params p;
  p.ice_ufrag = std::move(ufrag);
  p.ice_pwd = std::move(pwd);
  p.candidates = std::move(candidates);
  p.fingerprint_algorithm = std::move(fp_algorithm);
  p.fingerprint_value = std::move(fp_value);
  p.our_role = our_role;
  p.opus_pt = opus_pt;
  p.dtmf_pt = dtmf_pt;
  with_call(call_id,
            [p = std::move(p)](call_media& call) mutable { call.set_remote_webrtc(std::move(p)); });
}

void media_engine::add_remote_candidates(uint64_t call_id, std::vector<std::string> candidates) {
  with_call(call_id,
            [c = std::move(candidates)](call_media& call) { call.add_remote_candidates(c); });
}

void media_engine::set_remote_sip(uint64_t call_id, std::string address, uint16_t port,
                                  int codec_pt, int dtmf_pt) {
  remote_sip_params p;
  p.address = std::move(address);
  p.port = port;
  p.codec_pt = codec_pt;
  p.dtmf_pt = dtmf_pt;
  with_call(call_id,
            [p = std::move(p)](call_media& call) mutable { call.set_remote_sip(std::move(p)); });
}

void media_engine::destroy_call(uint64_t call_id) {
  worker_slot* slot = nullptr;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = placement_.find(call_id);
    if (i == placement_.end()) return;
    slot = i->second;
    placement_.erase(i);
    slot->worker->add_load(-1);
  }
  slot->worker->post([slot, call_id] { slot->calls.erase(call_id); });
}

// -- any thread: properties ---------------------------------------------------------

std::vector<int> media_engine::loads() const {
  std::vector<int> out;
  out.reserve(slots_.size());
  for (const auto& slot : slots_) out.push_back(slot->worker->load());
  return out;
}

size_t media_engine::calls() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return placement_.size();
}

}  // namespace wrtc::media
