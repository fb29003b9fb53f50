// GAuth supervisor actor.
#include "actors/auth_supervisor.hpp"

#include <nlohmann/json.hpp>

#include "actors/gateway_error.hpp"
#include "protocols/json/bounded_json.hpp"
#include "protocols/log/json_logger.hpp"
#include "protocols/security/crypto_primitives.hpp"

namespace wrtc {

namespace {

using self_ptr = caf::stateful_actor<auth_supervisor_state>*;
using http_client::incoming_response;
using http_client::outgoing_request;

constexpr std::size_t max_json_depth = 16;

/// The string member `key` of `obj`, or "" when absent or not a string (numbers are accepted:
/// some deployments send contact center ids as numbers).
std::string string_member(const nlohmann::json& obj, const char* key) {
  auto i = obj.find(key);
  if (i == obj.end()) return {};
  if (i->is_string()) return i->get<std::string>();
  if (i->is_number_integer()) return std::to_string(i->get<int64_t>());
  return {};
}

outgoing_request token_request(const auth_supervisor_config& cfg) {
  outgoing_request req;
  req.method = "POST";
  req.url = cfg.auth_service + "/auth/v3/oauth/token";
  req.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  req.body = "grant_type=client_credentials";
  req.basic_user = cfg.client_id;
  req.basic_password = cfg.client_secret;
  req.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.retry.request_timeout);
  return req;
}

void finish_validation(self_ptr self, const std::string& digest,
                       const caf::expected<agent_identity>& result) {
  auto i = self->state.validations.find(digest);
  if (i == self->state.validations.end()) return;
  auto waiters = std::move(i->second);
  self->state.validations.erase(i);
  for (auto& rp : waiters) {
    if (result)
      rp.deliver(*result);
    else
      rp.deliver(result.error());
  }
}

void remember(self_ptr self, const std::string& digest, const agent_identity& identity) {
  auto& st = self->state;
  if (st.identities.size() >= st.cfg.token_cache_size) {
    // Drop expired entries first; if none expired, drop everything rather than grow unbounded.
    auto now = self->clock().now();
    for (auto i = st.identities.begin(); i != st.identities.end();) {
      i = i->second.expires <= now ? st.identities.erase(i) : std::next(i);
    }
    if (st.identities.size() >= st.cfg.token_cache_size) st.identities.clear();
  }
  st.identities[digest] = cached_identity{identity, self->clock().now() + st.cfg.token_cache_ttl};
}

void on_userinfo(self_ptr self, const std::string& digest, incoming_response&& r) {
  auto& st = self->state;
  if (r.status == 200) {
    std::string err;
    auto doc = json::parse_bounded(r.body, max_json_depth, err);
    agent_identity id;
    if (doc && doc->is_object()) {
      id.user_name = string_member(*doc, "user_name");
      id.contact_center_id = string_member(*doc, "contact_center_id");
    }
    if (!doc || !doc->is_object()) {
      // Not JSON at all: GAuth itself is broken.
      st.gauth.fail_hard(self);
      finish_validation(self, digest,
                        make_error(gateway_errc::service_unavailable,
                                   "GAuth answered userinfo with invalid JSON"));
      return;
    }
    st.gauth.succeeded();
    if (id.user_name.empty() || id.contact_center_id.empty()) {
      // A well-formed record of an agent without a contact center: this agent's problem only.
      finish_validation(self, digest,
                        make_error(gateway_errc::forbidden,
                                   "the agent's GAuth record has no user_name/contact_center_id"));
      return;
    }
    remember(self, digest, id);
    finish_validation(self, digest, id);
    return;
  }
  if (is_service_failure(r)) {
    finish_validation(self, digest,
                      make_error(gateway_errc::service_unavailable, "GAuth is unavailable"));
    return;
  }
  // 401, 403 and other client errors: GAuth is up and says no.
  st.gauth.succeeded();
  finish_validation(self, digest, make_error(gateway_errc::unauthorized, "invalid token"));
}

void on_service_token(self_ptr self, incoming_response&& r) {
  auto& st = self->state;
  st.service_token_pending = false;
  auto waiters = std::move(st.service_token_waiters);
  st.service_token_waiters.clear();
  auto fail = [&](const std::string& why) {
    for (auto& rp : waiters) rp.deliver(make_error(gateway_errc::service_unavailable, why));
  };
  if (r.status == 200) {
    std::string err;
    auto doc = json::parse_bounded(r.body, max_json_depth, err);
    std::string token;
    int64_t expires_in = 0;
    if (doc && doc->is_object()) {
      token = string_member(*doc, "access_token");
      auto e = doc->find("expires_in");
      if (e != doc->end() && e->is_number()) expires_in = e->get<int64_t>();
    }
    if (token.empty()) {
      st.gauth.fail_hard(self);
      fail("GAuth answered the token request without access_token");
      return;
    }
    st.gauth.succeeded();
    if (expires_in <= 0) expires_in = 300;
    // Refresh well before expiry so that no GWS request carries a token about to lapse.
    auto lifetime = std::chrono::seconds{expires_in > 60 ? expires_in - 30 : expires_in / 2};
    st.service_token = std::move(token);
    st.service_token_expires = self->clock().now() + lifetime;
    for (auto& rp : waiters) rp.deliver(st.service_token);
    return;
  }
  if (is_service_failure(r)) {
    fail("GAuth is unavailable");
    return;
  }
  st.gauth.succeeded();
  log::error("GAuth refused the gateway's client credentials",
             {{"status", std::to_string(r.status)},
              {"hint", "check WRTC_GWS_CLIENT / WRTC_GWS_SECRET or the secret files"}});
  fail("GAuth refused the gateway's client credentials");
}

void request_service_token(self_ptr self) {
  auto& st = self->state;
  if (st.service_token_pending) return;
  st.service_token_pending = true;
  st.gauth.send(self, token_request(st.cfg),
                [self](incoming_response&& r) { on_service_token(self, std::move(r)); });
}

}  // namespace

caf::behavior auth_supervisor(caf::stateful_actor<auth_supervisor_state>* self,
                              auth_supervisor_config cfg, caf::actor fetcher) {
  self->state.gauth.init(std::move(fetcher), cfg.retry,
                         service_health{cfg.up_gauge, cfg.error_gauge}, "gauth",
                         caf::atom("gauth"));
  self->state.cfg = std::move(cfg);
  return {
    [=](validate_atom, const std::string& token) -> caf::result<agent_identity> {
      auto& st = self->state;
      auto digest = security::sha256_hex(token);
      auto cached = st.identities.find(digest);
      if (cached != st.identities.end()) {
        if (cached->second.expires > self->clock().now()) return cached->second.identity;
        st.identities.erase(cached);
      }
      if (!st.gauth.health().up()) {
        // Circuit open: fail fast; the recovery probe closes it when GAuth answers again.
        return make_error(gateway_errc::service_unavailable, "GAuth is unavailable");
      }
      auto rp = self->make_response_promise<agent_identity>();
      auto& waiters = st.validations[digest];
      waiters.push_back(rp);
      if (waiters.size() == 1) {
        outgoing_request req;
        req.url = st.cfg.auth_service + "/auth/v3/userinfo";
        req.headers = {"Authorization: Bearer " + token, "Accept: application/json"};
        req.timeout =
          std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.retry.request_timeout);
        st.gauth.send(self, std::move(req), [self, digest](incoming_response&& r) {
          on_userinfo(self, digest, std::move(r));
        });
      }
      return rp;
    },
    [=](service_token_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.service_token.empty() && st.service_token_expires > self->clock().now())
        return st.service_token;
      if (!st.gauth.health().up())
        return make_error(gateway_errc::service_unavailable, "GAuth is unavailable");
      auto rp = self->make_response_promise<std::string>();
      st.service_token_waiters.push_back(rp);
      request_service_token(self);
      return rp;
    },
    [=](invalidate_atom, service_token_atom) { self->state.service_token.clear(); },
    [=](retry_atom, caf::atom_value, uint64_t id) { self->state.gauth.on_retry(id); },
    [=](probe_atom, caf::atom_value) {
      // The token endpoint is the probe: any answer that is not a failure means GAuth is back,
      // and a 200 refreshes the service token on the way.
      auto& st = self->state;
      st.gauth.probe(self, token_request(st.cfg),
                     [self](incoming_response&& r) { on_service_token(self, std::move(r)); });
    },
  };
}

}  // namespace wrtc
