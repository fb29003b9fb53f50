// Gateway process wiring.
#include "apps/gateway/gateway_node.hpp"

#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/auth_supervisor.hpp"
#include "actors/config_supervisor.hpp"
#include "actors/http_fetcher.hpp"
#include "actors/session_directory.hpp"
#include "actors/signalling_api.hpp"
#include "actors/sip_endpoint.hpp"
#include "protocols/log/json_logger.hpp"

namespace wrtc::gateway {

gateway_node::gateway_node(caf::actor_system& sys, gateway_config& cfg) : sys_(sys), cfg_(cfg) {
  // nop
}

gateway_node::~gateway_node() {
  stop(std::chrono::seconds{0});
}

std::string gateway_node::start() {
  std::string err;
  metrics_ = std::make_unique<metrics::gateway_metrics>();
  metrics_->max_clients_per_instance.Set(cfg_.max_clients);
  metrics_->max_clients_per_node.Set(cfg_.max_clients);
  exposer_ = metrics::metrics_exposer::start(cfg_.metrics_address, cfg_.metrics_port,
                                             metrics_->registry(), err);
  if (!exposer_) return "metrics.port: " + err;

  http_client_ = std::make_shared<http_client::http_client>();
  fetcher_ = sys_.spawn(http_fetcher, http_client_);

  retry_policy retry;
  retry.max_attempts = cfg_.dependency_attempts;
  retry.request_timeout = cfg_.dependency_timeout;

  auth_supervisor_config auth_cfg;
  auth_cfg.auth_service = cfg_.auth_service;
  auth_cfg.client_id = cfg_.gws_client;
  auth_cfg.client_secret = cfg_.gws_secret;
  auth_cfg.token_cache_ttl = cfg_.gauth_token_cache_ttl;
  auth_cfg.retry = retry;
  auth_cfg.up_gauge = &metrics_->auth_up;
  auth_cfg.error_gauge = &metrics_->gauth_errors;
  auth_ = sys_.spawn(auth_supervisor, std::move(auth_cfg), fetcher_);

  config_supervisor_config env_cfg;
  env_cfg.env_service = cfg_.env_service;
  env_cfg.cfg_service = cfg_.cfg_service;
  env_cfg.cfg_health_path = cfg_.cfg_health_path;
  env_cfg.cfg_check_interval = cfg_.cfg_check_interval;
  env_cfg.tenant_cache_ttl = cfg_.tenant_cache_ttl;
  env_cfg.retry = retry;
  env_cfg.env_up_gauge = &metrics_->env_up;
  env_cfg.env_error_gauge = &metrics_->env_errors;
  env_cfg.cfg_up_gauge = &metrics_->cfg_up;
  env_cfg.cfg_error_gauge = &metrics_->cfg_errors;
  config_ = sys_.spawn(config_supervisor, std::move(env_cfg), auth_, fetcher_);

  media::media_engine_config media_cfg;
  media_cfg.workers_count = cfg_.workers_count;
  media_cfg.address = cfg_.media_address;
  media_cfg.port_min = cfg_.media_port_min;
  media_cfg.port_max = cfg_.media_port_max;
  if (!cfg_.turn_external_uri.empty()) {
    media_cfg.turn =
      media::turn_server::from_uri(cfg_.turn_external_uri, cfg_.turn_user, cfg_.turn_password);
    if (!media_cfg.turn)
      return "gateway.turn-external-uri: expected turn:<ip>[:port][?transport=udp], got '" +
             cfg_.turn_external_uri + "'";
  }
  media_ = media::media_engine::create(std::move(media_cfg), err);
  if (!media_) return err;

  directory_ = sys_.spawn(session_directory, static_cast<std::size_t>(cfg_.max_clients));

  sip_port_ = std::make_shared<sip_stack_port>();
  sip_ = sys_.spawn(sip_endpoint, std::static_pointer_cast<sip_port>(sip_port_),
                    metrics_.get(), cfg_.voice_sip_proxy);
  sip::sip_stack_config sip_cfg;
  sip_cfg.bind_address = cfg_.sip_address;
  sip_cfg.port = cfg_.sip_port;
  sip_cfg.proxy = cfg_.proxy.host + ":" + std::to_string(cfg_.proxy.port) +
                  (cfg_.proxy.transport == "tcp" ? ";transport=tcp" : "");
  sip_cfg.user_agent = std::string{"wrtc/"} + WRTC_VERSION;
  sip_cfg.register_expires = std::chrono::duration_cast<std::chrono::seconds>(cfg_.register_expires);
  sip_cfg.log = [](std::string_view level, std::string_view message) {
    log::level lvl = log::level::info;
    log::parse_level(level, lvl);
    log::json_logger::instance().write(lvl, message, {{"component", "sip"}});
  };
  auto endpoint = sip_;
  auto stack = sip::sip_stack::start(
    sip_cfg,
    [endpoint](const sip::registration_event& ev) {
      caf::anon_send(endpoint, sip_event_atom::value, ev);
    },
    [endpoint](const sip::call_event& ev) { caf::anon_send(endpoint, sip_call_atom::value, ev); },
    err);
  if (!stack) return "sip.port: " + err;
  sip_port_->attach(std::move(stack));

  signalling_api_config api_cfg;
  api_cfg.color = cfg_.color;
  api_cfg.version = WRTC_VERSION;
  api_cfg.allowed_origins = cfg_.allowed_origins;
  if (!cfg_.web_root.empty()) {
    api_cfg.web = http::static_content::load(cfg_.web_root, err);
    if (!api_cfg.web) return "http.web-root: " + err;
  }
  api_cfg.session_template.register_timeout = cfg_.register_timeout;
  api_cfg.session_template.unregister_timeout = cfg_.unregister_timeout;
  api_cfg.session_template.poll_grace = cfg_.poll_grace_period;
  api_cfg.session_template.sip_auth_password = cfg_.sip_password;
  api_cfg.session_template.media = media_;
  api_ = sys_.spawn(signalling_api, std::move(api_cfg), auth_, config_, directory_, sip_,
                    metrics_.get());

  http::server_config http_cfg;
  http_cfg.address = cfg_.http_address;
  http_cfg.port = cfg_.http_port;
  auto* m = metrics_.get();
  http_cfg.on_rejected = [m](http::rejection why, std::string_view) {
    m->http_rejected(std::string{http::to_string(why)}).Increment();
  };
  auto api = api_;
  http_server_ = http::http_server::start(
    http_cfg,
    [api](http::request&& req, http::responder res) {
      auto ex = std::make_shared<http_exchange>();
      ex->req = std::move(req);
      ex->send = [res](http::response&& r) { res.respond(std::move(r)); };
      caf::anon_send(api, http_atom::value, std::move(ex));
    },
    err);
  if (!http_server_) return "http.port: " + err;

  log::info("gateway started",
            {{"http_port", std::to_string(http_server_->port())},
             {"metrics_port", std::to_string(exposer_->port())},
             {"sip_port", std::to_string(sip_port_->stack()->port())},
             {"voice_sip_proxy", cfg_.voice_sip_proxy},
             {"version", WRTC_VERSION}});
  return {};
}

void gateway_node::stop(caf::timespan deadline) {
  if (!api_) return;
  // Refuse new requests first; then end every session so that each DN is un-registered.
  http_server_.reset();
  if (directory_ && deadline.count() > 0) {
    caf::scoped_actor self{sys_};
    self->send(directory_, end_atom::value, std::string{"shutdown"});
    auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      uint64_t left = 0;
      self->request(directory_, std::chrono::seconds{1}, count_atom::value)
        .receive([&](uint64_t n) { left = n; }, [&](caf::error&) { left = 0; });
      if (left == 0 || std::chrono::steady_clock::now() >= until) break;
      self->receive(caf::after(std::chrono::milliseconds{50}) >> [] {});
    }
  }
  for (auto* a : {&api_, &sip_, &directory_, &config_, &auth_, &fetcher_}) {
    if (*a) caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
    *a = caf::actor{};
  }
  if (sip_port_) sip_port_->detach();
  media_.reset();
  http_client_.reset();
  exposer_.reset();
  log::info("gateway stopped");
}

}  // namespace wrtc::gateway
