// Agent session actor.
#include "actors/agent_session.hpp"

#include <atomic>
#include <chrono>

#include <nlohmann/json.hpp>

#include "actors/call_leg.hpp"
#include "actors/gateway_error.hpp"
#include "protocols/sdp/session_description.hpp"
#include "protocols/sdp/webrtc_media.hpp"
#include "protocols/log/json_logger.hpp"
#include "protocols/security/crypto_primitives.hpp"

namespace wrtc {

std::string to_string(session_phase x) {
  switch (x) {
    case session_phase::registering:
      return "registering";
    case session_phase::registered:
      return "registered";
    case session_phase::ending:
      return "ending";
  }
  return "unknown";
}

namespace {

using self_ptr = caf::stateful_actor<agent_session_state>*;

uint64_t next_registration_id() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

int64_t now_ms(self_ptr self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           self->clock().now().time_since_epoch())
    .count();
}

void log_session(self_ptr self, log::level lvl, std::string_view message,
                 std::initializer_list<log::field> extra = {}) {
  const auto& d = self->state.data;
  auto& logger = log::json_logger::instance();
  if (!logger.enabled(lvl)) return;
  std::vector<log::field> fields{{"session", d.session_id}, {"dn", d.dn}, {"tenant", d.tenant}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  logger.write(lvl, message, fields.data(), fields.data() + fields.size());
}

bool authorized(self_ptr self, const session_credentials& cred) {
  const auto& d = self->state.data;
  if (!cred.cookie_session.empty() && security::constant_time_equal(cred.cookie_session, d.session_id))
    return true;
  return !cred.bearer_digest.empty() &&
         security::constant_time_equal(cred.bearer_digest, d.token_digest);
}

void reject_unauthorized(self_ptr self, const http_exchange& ex) {
  if (self->state.metrics != nullptr) self->state.metrics->unauthorized_access.Increment();
  ex.reply_error(401, "unauthorized", "this session needs its cookie or the agent's token");
}

/// Answers `ex` with every queued event newer than `after`.
void reply_events(self_ptr self, const http_exchange& ex, uint64_t after) {
  std::string body = "{\"events\":[";
  bool first = true;
  for (const auto& e : self->state.data.events) {
    if (e.seq <= after) continue;
    if (!first) body += ',';
    body += e.json;
    first = false;
  }
  body += "]}";
  ex.reply(200, std::move(body));
}

bool has_events_after(self_ptr self, uint64_t after) {
  const auto& ev = self->state.data.events;
  return !ev.empty() && ev.back().seq > after;
}

/// The client confirmed everything up to `after`: forget it.
void acknowledge(self_ptr self, uint64_t after) {
  auto& ev = self->state.data.events;
  while (!ev.empty() && ev.front().seq <= after) ev.pop_front();
}

void schedule_grace_check(self_ptr self, caf::timespan delay) {
  auto gen = ++self->state.grace_generation;
  self->delayed_send(self, delay, grace_check_atom::value, gen);
}

/// Completes the parked poll (if any) with what is queued.
void complete_poll(self_ptr self, uint64_t after_hint) {
  auto& st = self->state;
  if (!st.poll) return;
  auto ex = st.poll->exchange;
  st.poll.reset();
  reply_events(self, *ex, after_hint);
  st.data.last_client_activity_ms = now_ms(self);
  if (st.data.phase != session_phase::ending) schedule_grace_check(self, st.params.poll_grace);
}

void push_event(self_ptr self, const std::string& type, nlohmann::json fields) {
  auto& st = self->state;
  fields["seq"] = st.data.next_seq;
  fields["type"] = type;
  fields["time"] = log::utc_timestamp();
  st.data.events.push_back(session_event{
    st.data.next_seq, fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  ++st.data.next_seq;
  if (st.data.events.size() > st.params.max_queued_events) {
    st.data.events.pop_front();
    log_session(self, log::level::warning, "event queue full: oldest event dropped");
  }
  // A parked poll waits for anything newer than what the client acknowledged: all queued events.
  complete_poll(self, 0);
}

void finish(self_ptr self) {
  auto& st = self->state;
  for (auto& ex : st.sign_out_waiters) ex->reply(204, {});
  st.sign_out_waiters.clear();
  log_session(self, log::level::info, "session ended", {{"reason", st.data.end_reason}});
  self->quit();
}

void end_session(self_ptr self, const std::string& reason, bool registration_gone) {
  auto& st = self->state;
  if (st.data.phase == session_phase::ending) return;
  for (auto& [id, leg] : st.calls) self->send(leg, end_atom::value, std::string{"session_ended"});
  bool was_registered = st.data.phase == session_phase::registered;
  st.data.phase = session_phase::ending;
  st.data.end_reason = reason;
  push_event(self, "session.ended", {{"reason", reason}});
  complete_poll(self, 0);
  if (st.counted_as_signed_in && st.metrics != nullptr) st.metrics->current_signins.Decrement();
  st.counted_as_signed_in = false;
  self->send(st.directory, release_atom::value, st.data.session_id);
  if (was_registered && !registration_gone) {
    self->send(st.sip, sip_unregister_atom::value, st.data.registration_id);
    self->delayed_send(self, st.params.unregister_timeout, registration_timeout_atom::value,
                       st.data.registration_id);
    return;
  }
  finish(self);
}

void fail_sign_in(self_ptr self, const std::string& why) {
  auto& st = self->state;
  if (st.metrics != nullptr) st.metrics->failed_registrations(st.data.domain).Increment();
  log_session(self, log::level::warning, "registration failed", {{"reason", why}});
  st.sign_in.deliver(make_error(gateway_errc::registration_failed, why));
  self->send(st.directory, release_atom::value, st.data.session_id);
  self->quit();
}

void on_sip_event(self_ptr self, const sip::registration_event& ev) {
  auto& st = self->state;
  if (ev.id != st.data.registration_id) return;
  using sip::registration_outcome;
  switch (st.data.phase) {
    case session_phase::registering:
      if (ev.outcome == registration_outcome::registered) {
        st.data.phase = session_phase::registered;
        if (st.metrics != nullptr) {
          st.metrics->registrations(st.data.domain).Increment();
          st.metrics->current_signins.Increment();
        }
        st.counted_as_signed_in = true;
        st.data.last_client_activity_ms = now_ms(self);
        push_event(self, "session.registered", {{"dn", st.data.dn}, {"tenant", st.data.tenant}});
        log_session(self, log::level::info, "agent signed in");
        st.sign_in.deliver(true);
        schedule_grace_check(self, st.params.poll_grace);
      } else if (ev.outcome == registration_outcome::timed_out) {
        fail_sign_in(self, "the registrar did not answer");
      } else {
        fail_sign_in(self, "the registrar answered " + std::to_string(ev.status) +
                             (ev.phrase.empty() ? "" : " " + ev.phrase));
      }
      return;
    case session_phase::registered:
      if (ev.outcome == registration_outcome::lost || ev.outcome == registration_outcome::refused ||
          ev.outcome == registration_outcome::timed_out) {
        log_session(self, log::level::warning, "registration lost",
                    {{"status", std::to_string(ev.status)}});
        end_session(self, "registration_lost", true);
      }
      return;
    case session_phase::ending:
      if (ev.outcome == registration_outcome::unregistered) {
        if (ev.status != 0 && (ev.status < 200 || ev.status >= 300)) {
          // The registrar did not confirm: the binding may linger until it expires.
          if (st.metrics != nullptr) st.metrics->client_errors_dropped_on_signout.Increment();
          log_session(self, log::level::warning, "un-registration not confirmed",
                      {{"status", std::to_string(ev.status)}});
        }
        finish(self);
      }
      return;
  }
}


uint64_t new_call_id() {
  for (;;) {
    auto id = std::stoull(security::random_hex(8), nullptr, 16) & ~sip::incoming_call_id_bit;
    if (id != 0) return id;
  }
}

call_leg_params leg_params(self_ptr self, uint64_t call_id, call_direction dir) {
  const auto& st = self->state;
  call_leg_params p;
  p.call_id = call_id;
  p.direction = dir;
  p.session_id = st.data.session_id;
  p.dn = st.data.dn;
  p.tenant = st.data.tenant;
  p.domain = st.data.domain;
  p.sip_auth_password = st.params.sip_auth_password;
  return p;
}

void spawn_leg(self_ptr self, call_leg_params p) {
  auto& st = self->state;
  auto id = p.call_id;
  auto leg = self->spawn(call_leg, std::move(p), caf::actor_cast<caf::actor>(self), st.sip,
                         st.params.media, st.metrics);
  self->monitor(leg);
  st.calls[id] = leg;
}

bool valid_call_target(const std::string& to) {
  if (to.empty() || to.size() > 256) return false;
  for (unsigned char c : to) {
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

void create_call(self_ptr self, const http_exchange_ptr& ex, const std::string& to,
                 const std::string& offer) {
  auto& st = self->state;
  if (st.data.phase != session_phase::registered) {
    ex->reply_error(409, "session_state", "the session is not registered");
    return;
  }
  if (!valid_call_target(to)) {
    ex->reply_error(400, "bad_request", "to must be a number or a sip: URI (1-256 printable characters)");
    return;
  }
  if (st.calls.size() >= st.params.max_calls) {
    ex->reply_error(409, "too_many_calls", "this agent has too many calls");
    return;
  }
  std::string why;
  auto parsed = sdp::parse(offer, why);
  if (parsed) {
    sdp::sdp_error err;
    if (!sdp::read_webrtc_audio(*parsed, err)) {
      parsed.reset();
      why = err.message();
    }
  }
  if (!parsed) {
    ex->reply_error(400, "bad_request", "unusable SDP offer: " + why);
    return;
  }
  auto id = new_call_id();
  auto p = leg_params(self, id, call_direction::outbound);
  p.to = to;
  p.browser_offer = offer;
  spawn_leg(self, std::move(p));
  nlohmann::json body = {{"call", call_api_id(id)}};
  ex->reply(201, body.dump());
}

void on_incoming_call(self_ptr self, sip::call_event& ev) {
  auto& st = self->state;
  if (st.data.phase != session_phase::registered || st.calls.size() >= st.params.max_calls) {
    self->send(st.sip, sip_respond_atom::value, ev.call_id,
               st.data.phase != session_phase::registered ? 480 : 486,
               std::string{st.data.phase != session_phase::registered ? "Temporarily Unavailable"
                                                                       : "Busy Here"});
    return;
  }
  auto p = leg_params(self, ev.call_id, call_direction::inbound);
  p.invite = std::move(ev);
  spawn_leg(self, std::move(p));
}

caf::actor find_leg(self_ptr self, const std::string& call) {
  auto id = parse_call_api_id(call);
  auto i = self->state.calls.find(id);
  return i == self->state.calls.end() ? caf::actor{} : i->second;
}

void unknown_call(self_ptr self, const http_exchange& ex) {
  if (self->state.metrics != nullptr) self->state.metrics->unknown_request.Increment();
  ex.reply_error(404, "not_found", "unknown call");
}

}  // namespace

caf::behavior agent_session(caf::stateful_actor<agent_session_state>* self,
                            agent_session_params params, caf::actor sip, caf::actor directory,
                            metrics::gateway_metrics* metrics) {
  auto& st = self->state;
  st.data.session_id = params.session_id;
  st.data.dn = params.dn;
  st.data.tenant = params.tenant;
  st.data.domain = params.domain;
  st.data.user_name = params.user_name;
  st.data.token_digest = params.token_digest;
  st.params = std::move(params);
  st.sip = std::move(sip);
  st.directory = std::move(directory);
  st.metrics = metrics;
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& calls = self->state.calls;
    for (auto i = calls.begin(); i != calls.end(); ++i) {
      if (i->second.address() == msg.source) {
        calls.erase(i);
        return;
      }
    }
  });
  return {
    [=](start_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.data.registration_id != 0) return make_error(gateway_errc::bad_request, "started twice");
      st.sign_in = self->make_response_promise<bool>();
      st.data.registration_id = next_registration_id();
      sip::registration_request r;
      r.id = st.data.registration_id;
      r.user = st.data.dn;
      r.domain = st.data.domain;
      r.auth_user = st.data.dn;
      r.auth_password = st.params.sip_auth_password;
      self->send(st.sip, sip_register_atom::value, std::move(r));
      self->delayed_send(self, st.params.register_timeout, registration_timeout_atom::value,
                         st.data.registration_id);
      return st.sign_in;
    },
    [=](sip_event_atom, const sip::registration_event& ev) { on_sip_event(self, ev); },
    [=](registration_timeout_atom, uint64_t id) {
      auto& st = self->state;
      if (id != st.data.registration_id) return;
      if (st.data.phase == session_phase::registering) {
        self->send(st.sip, sip_cancel_atom::value, id);
        fail_sign_in(self, "the registrar did not answer in time");
      } else if (st.data.phase == session_phase::ending) {
        self->send(st.sip, sip_cancel_atom::value, id);
        if (st.metrics != nullptr) st.metrics->client_errors_dropped_on_signout.Increment();
        log_session(self, log::level::warning, "un-registration not confirmed in time");
        finish(self);
      }
    },
    [=](poll_atom, const http_exchange_ptr& ex, const session_credentials& cred, uint64_t after,
        uint32_t timeout_s) {
      auto& st = self->state;
      if (!authorized(self, cred)) {
        reject_unauthorized(self, *ex);
        return;
      }
      acknowledge(self, after);
      st.data.last_client_activity_ms = now_ms(self);
      if (has_events_after(self, after) || st.data.phase == session_phase::ending ||
          timeout_s == 0) {
        reply_events(self, *ex, after);
        if (st.data.phase != session_phase::ending) schedule_grace_check(self, st.params.poll_grace);
        return;
      }
      if (st.poll) {
        // The client re-polled (it lost the previous response): the old request gets nothing.
        st.poll->exchange->reply(200, "{\"events\":[]}");
        st.poll.reset();
      }
      st.poll = parked_poll{++st.next_poll_id, ex};
      // While a poll is parked the client is present: no grace check until it completes.
      ++st.grace_generation;
      self->delayed_send(self, std::chrono::seconds{timeout_s}, poll_expired_atom::value,
                         st.poll->id);
    },
    [=](poll_expired_atom, uint64_t id) {
      auto& st = self->state;
      if (!st.poll || st.poll->id != id) return;
      complete_poll(self, st.data.next_seq);
    },
    [=](grace_check_atom, uint64_t generation) {
      auto& st = self->state;
      if (generation != st.grace_generation || st.poll || st.data.phase != session_phase::registered)
        return;
      auto idle = std::chrono::milliseconds{now_ms(self) - st.data.last_client_activity_ms};
      if (idle < st.params.poll_grace) {
        schedule_grace_check(self, st.params.poll_grace - idle);
        return;
      }
      if (st.metrics != nullptr) st.metrics->client_errors_timeout.Increment();
      log_session(self, log::level::warning, "client stopped polling: session ends");
      end_session(self, "poll_timeout", false);
    },
    [=](sign_out_atom, const http_exchange_ptr& ex, const session_credentials& cred) {
      auto& st = self->state;
      if (!authorized(self, cred)) {
        reject_unauthorized(self, *ex);
        return;
      }
      st.sign_out_waiters.push_back(ex);
      end_session(self, "signed_out", false);
    },
    [=](end_atom, const std::string& reason) { end_session(self, reason, false); },
    [=](call_create_atom, const http_exchange_ptr& ex, const session_credentials& cred,
        const std::string& to, const std::string& offer) {
      if (!authorized(self, cred)) {
        reject_unauthorized(self, *ex);
        return;
      }
      create_call(self, ex, to, offer);
    },
    [=](call_answer_atom, const http_exchange_ptr& ex, const session_credentials& cred,
        const std::string& call, const std::string& answer) {
      if (!authorized(self, cred)) {
        reject_unauthorized(self, *ex);
        return;
      }
      auto leg = find_leg(self, call);
      if (!leg) {
        unknown_call(self, *ex);
        return;
      }
      self->send(leg, call_answer_atom::value, ex, answer);
    },
    [=](call_hangup_atom, const http_exchange_ptr& ex, const session_credentials& cred,
        const std::string& call) {
      if (!authorized(self, cred)) {
        reject_unauthorized(self, *ex);
        return;
      }
      auto leg = find_leg(self, call);
      if (!leg) {
        unknown_call(self, *ex);
        return;
      }
      self->send(leg, call_hangup_atom::value, ex);
    },
    [=](sip_call_atom, sip::call_event& ev) {
      if (ev.kind == sip::call_event_kind::incoming) {
        on_incoming_call(self, ev);
        return;
      }
      auto i = self->state.calls.find(ev.call_id);
      if (i != self->state.calls.end()) self->send(i->second, sip_call_atom::value, std::move(ev));
    },
    [=](call_notice_atom, const std::string& type, const std::string& fields) {
      auto doc = nlohmann::json::parse(fields, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) return;
      push_event(self, type, std::move(doc));
    },
    [=](state_atom) { return self->state.data; },
  };
}

}  // namespace wrtc
