// Retrying requests to a supervised dependency.
#include "actors/dependency_client.hpp"

#include <caf/sec.hpp>

#include "protocols/log/json_logger.hpp"

namespace wrtc {

void dependency_client::send(caf::event_based_actor* self, http_client::outgoing_request req,
                             done_fn done, int attempt) {
  auto deadline = policy_.request_timeout + std::chrono::seconds{1};
  auto request_copy = req;
  self->request(fetcher_, deadline, fetch_atom::value, std::move(req))
    .then(
      [=, this](http_client::incoming_response& r) mutable {
        if (!is_service_failure(r)) {
          done(std::move(r));
          return;
        }
        health_.failed();
        if (attempt < policy_.max_attempts && health_.up()) {
          auto delay = policy_.backoff_min * (1 << (attempt - 1));
          auto id = ++next_retry_;
          retries_.emplace(id, [=, this]() mutable { send(self, request_copy, done, attempt + 1); });
          self->delayed_send(self, delay, retry_atom::value, tag_, id);
          return;
        }
        if (health_.declare_down()) {
          log::warning("dependency unavailable",
                       {{"dependency", name_},
                        {"reason", r.status == 0 ? r.error : "HTTP " + std::to_string(r.status)}});
        }
        schedule_probe(self);
        done(std::move(r));
      },
      [=, this](caf::error& err) mutable {
        // The fetcher did not answer in time: same as a transport error.
        http_client::incoming_response r;
        r.error = "no answer from the HTTP client: " + self->system().render(err);
        health_.failed();
        if (health_.declare_down()) {
          log::warning("dependency unavailable", {{"dependency", name_}, {"reason", r.error}});
        }
        schedule_probe(self);
        done(std::move(r));
      });
}

void dependency_client::on_retry(uint64_t id) {
  auto i = retries_.find(id);
  if (i == retries_.end()) return;
  auto fn = std::move(i->second);
  retries_.erase(i);
  fn();
}

void dependency_client::fail_hard(caf::event_based_actor* self) {
  health_.failed();
  if (health_.declare_down()) {
    log::warning("dependency unavailable", {{"dependency", name_}, {"reason", "unusable response"}});
  }
  schedule_probe(self);
}

bool dependency_client::succeeded() {
  if (health_.succeeded()) {
    log::info("dependency available again", {{"dependency", name_}});
    return true;
  }
  return false;
}

void dependency_client::probe(caf::event_based_actor* self, http_client::outgoing_request req,
                              done_fn done) {
  health_.probing = false;
  auto deadline = policy_.request_timeout + std::chrono::seconds{1};
  self->request(fetcher_, deadline, fetch_atom::value, std::move(req))
    .then(
      [=, this](http_client::incoming_response& r) mutable {
        if (is_service_failure(r)) {
          health_.failed();
          schedule_probe(self);
          return;
        }
        succeeded();
        done(std::move(r));
      },
      [=, this](caf::error&) {
        health_.failed();
        schedule_probe(self);
      });
}

void dependency_client::schedule_probe(caf::event_based_actor* self) {
  if (health_.probing) return;
  health_.probing = true;
  self->delayed_send(self, health_.next_probe_delay(policy_), probe_atom::value, tag_);
}

}  // namespace wrtc
