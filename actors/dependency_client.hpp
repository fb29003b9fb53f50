// HTTP requests to one supervised dependency (GAuth, GWS): retries with backoff, failure
// counting and the circuit breaker, kept in the state of the supervisor that owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/messages.hpp"
#include "actors/service_health.hpp"

namespace wrtc {

/// Whether a response means the dependency itself failed (as opposed to answering "no").
inline bool is_service_failure(const http_client::incoming_response& r) {
  return r.status == 0 || r.status >= 500 || r.status == 429 || r.status == 408;
}

class dependency_client {
 public:
  using done_fn = std::function<void(http_client::incoming_response&&)>;

  /// Called once from the owning actor's constructor code.
  /// `tag` marks this dependency's `(retry_atom, tag, id)` and `(probe_atom, tag)` messages, so that
  /// one actor can own several dependencies.
  void init(caf::actor fetcher, retry_policy policy, service_health health, std::string name,
            caf::atom_value tag) {
    tag_ = tag;
    fetcher_ = std::move(fetcher);
    policy_ = policy;
    health_ = health;
    name_ = std::move(name);
  }

  /// Sends `req`; retries service failures up to the policy's attempts with exponential backoff
  /// (the owner forwards `(retry_atom, tag, id)` messages to on_retry). `done` sees the final response. After
  /// the last failed attempt the circuit opens and a `(probe_atom, tag)` is scheduled to the owner.
  void send(caf::event_based_actor* self, http_client::outgoing_request req, done_fn done,
            int attempt = 1);

  /// Runs a scheduled retry.
  void on_retry(uint64_t id);

  /// Records a failure the owner detected itself (200 with an unusable body) and opens the circuit.
  void fail_hard(caf::event_based_actor* self);

  /// Records a success (circuit closes). Returns true when the service was down before.
  bool succeeded();

  /// Handles a due `probe_atom`: sends `req` once; an answer that is not a service failure closes
  /// the circuit and is passed to `done`; a failure schedules the next probe with a longer delay.
  void probe(caf::event_based_actor* self, http_client::outgoing_request req, done_fn done);

  /// Schedules the next recovery probe unless one is pending.
  void schedule_probe(caf::event_based_actor* self);

  service_health& health() { return health_; }
  const retry_policy& policy() const { return policy_; }
  const std::string& name() const { return name_; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, dependency_client& x) {
    return f(caf::meta::type_name("dependency_client"), x.name_, x.policy_, x.health_);
  }

 private:
  caf::atom_value tag_ = caf::atom("");
  caf::actor fetcher_;
  retry_policy policy_;
  service_health health_;
  std::string name_;
  uint64_t next_retry_ = 0;
  std::unordered_map<uint64_t, std::function<void()>> retries_;
};

}  // namespace wrtc
