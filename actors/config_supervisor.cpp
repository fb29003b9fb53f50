// GWS supervisor actor.
#include "actors/config_supervisor.hpp"

#include <nlohmann/json.hpp>

#include "actors/gateway_error.hpp"
#include "protocols/json/bounded_json.hpp"
#include "protocols/log/json_logger.hpp"

namespace wrtc {

namespace {

using self_ptr = caf::stateful_actor<config_supervisor_state>*;
using http_client::incoming_response;
using http_client::outgoing_request;

using cfg_check_atom = caf::atom_constant<caf::atom("cfgcheck")>;

constexpr auto env_tag = caf::atom("env");
constexpr auto cfg_tag = caf::atom("cfg");

/// Contact center ids go into a URL path: accept only what cannot change the path.
bool valid_contact_center_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return id != "." && id != "..";
}

void finish(self_ptr self, const std::string& id, const caf::expected<tenant_record>& result) {
  auto i = self->state.lookups.find(id);
  if (i == self->state.lookups.end()) return;
  auto waiters = std::move(i->second);
  self->state.lookups.erase(i);
  for (auto& rp : waiters) {
    if (result)
      rp.deliver(*result);
    else
      rp.deliver(result.error());
  }
}

/// Answers from a stale cache entry when GWS fails, else with `err`.
void finish_failed(self_ptr self, const std::string& id, caf::error err) {
  auto cached = self->state.tenants.find(id);
  if (cached != self->state.tenants.end()) {
    finish(self, id, cached->second.record);
    return;
  }
  finish(self, id, std::move(err));
}

void fetch_tenant(self_ptr self, const std::string& id, bool token_renewed);

void with_service_token(self_ptr self, const std::string& id, bool token_renewed) {
  self->request(self->state.auth, self->state.cfg.retry.request_timeout * 4, service_token_atom::value)
    .then(
      [=](std::string& token) {
        auto& st = self->state;
        outgoing_request req;
        req.url = st.cfg.env_service + "/environment/v3/contact-centers/" + id;
        req.headers = {"Authorization: Bearer " + token, "Accept: application/json"};
        req.timeout =
          std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.retry.request_timeout);
        st.env.send(self, std::move(req), [self, id, token_renewed](incoming_response&& r) {
          auto& st = self->state;
          if (r.status == 200) {
            std::string err;
            auto doc = json::parse_bounded(r.body, 16, err);
            tenant_record rec;
            if (doc && doc->is_object()) {
              auto d = doc->find("domain");
              if (d != doc->end() && d->is_string()) rec.domain = d->get<std::string>();
            }
            if (rec.domain.empty()) {
              st.env.fail_hard(self);
              finish_failed(self, id,
                            make_error(gateway_errc::service_unavailable,
                                       "GWS answered the contact center without a domain"));
              return;
            }
            st.env.succeeded();
            rec.id = id;
            st.tenants[id] = cached_tenant{rec, self->clock().now() + st.cfg.tenant_cache_ttl};
            finish(self, id, rec);
            return;
          }
          if (r.status == 404) {
            st.env.succeeded();
            finish(self, id, make_error(gateway_errc::forbidden, "unknown contact center"));
            return;
          }
          if (r.status == 401 && !token_renewed) {
            // The service token lapsed or was revoked: get a new one once.
            self->send(st.auth, invalidate_atom::value, service_token_atom::value);
            fetch_tenant(self, id, true);
            return;
          }
          if (is_service_failure(r)) {
            finish_failed(self, id, make_error(gateway_errc::service_unavailable, "GWS is unavailable"));
            return;
          }
          st.env.succeeded();
          log::error("GWS refused the tenant request", {{"status", std::to_string(r.status)},
                                                         {"contact_center", id}});
          finish_failed(self, id, make_error(gateway_errc::service_unavailable,
                                             "GWS refused the gateway's request"));
        });
      },
      [=](caf::error& err) { finish_failed(self, id, std::move(err)); });
}

void fetch_tenant(self_ptr self, const std::string& id, bool token_renewed) {
  with_service_token(self, id, token_renewed);
}

void check_cfg(self_ptr self) {
  auto& st = self->state;
  outgoing_request req;
  req.url = st.cfg.cfg_service + st.cfg.cfg_health_path;
  req.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.retry.request_timeout);
  st.cfg_client.send(self, std::move(req), [self](incoming_response&& r) {
    if (is_service_failure(r)) return;  // the circuit opened and a probe is scheduled
    self->state.cfg_client.succeeded();
    self->delayed_send(self, self->state.cfg.cfg_check_interval, cfg_check_atom::value);
  });
}

}  // namespace

caf::behavior config_supervisor(caf::stateful_actor<config_supervisor_state>* self,
                                config_supervisor_config cfg, caf::actor auth,
                                caf::actor fetcher) {
  auto& st = self->state;
  st.env.init(fetcher, cfg.retry, service_health{cfg.env_up_gauge, cfg.env_error_gauge}, "gws-env",
              env_tag);
  st.cfg_client.init(fetcher, cfg.retry, service_health{cfg.cfg_up_gauge, cfg.cfg_error_gauge},
                     "gws-cfg", cfg_tag);
  st.auth = std::move(auth);
  st.cfg = std::move(cfg);
  if (!st.cfg.cfg_service.empty()) self->send(self, cfg_check_atom::value);
  return {
    [=](tenant_atom, const std::string& id) -> caf::result<tenant_record> {
      auto& st = self->state;
      if (!valid_contact_center_id(id))
        return make_error(gateway_errc::forbidden, "invalid contact center id");
      auto cached = st.tenants.find(id);
      if (cached != st.tenants.end()) {
        if (cached->second.expires > self->clock().now() || !st.env.health().up())
          return cached->second.record;
      }
      if (!st.env.health().up())
        return make_error(gateway_errc::service_unavailable, "GWS is unavailable");
      auto rp = self->make_response_promise<tenant_record>();
      auto& waiters = st.lookups[id];
      waiters.push_back(rp);
      if (waiters.size() == 1) fetch_tenant(self, id, false);
      return rp;
    },
    [=](retry_atom, caf::atom_value tag, uint64_t id) {
      if (tag == env_tag)
        self->state.env.on_retry(id);
      else
        self->state.cfg_client.on_retry(id);
    },
    [=](probe_atom, caf::atom_value tag) {
      auto& st = self->state;
      if (tag == env_tag) {
        // Any answer from the environment service (even 404 for this id) means it is back.
        outgoing_request req;
        req.url = st.cfg.env_service + "/environment/v3/contact-centers/-";
        req.timeout =
          std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.retry.request_timeout);
        st.env.probe(self, std::move(req), [](incoming_response&&) {});
        return;
      }
      outgoing_request req;
      req.url = st.cfg.cfg_service + st.cfg.cfg_health_path;
      req.timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.retry.request_timeout);
      st.cfg_client.probe(self, std::move(req), [self](incoming_response&&) {
        self->delayed_send(self, self->state.cfg.cfg_check_interval, cfg_check_atom::value);
      });
    },
    [=](cfg_check_atom) { check_cfg(self); },
  };
}

}  // namespace wrtc
