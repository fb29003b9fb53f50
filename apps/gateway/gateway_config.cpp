// Gateway options, secrets and validation.
#include "apps/gateway/gateway_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "actors/messages.hpp"
#include "protocols/log/json_logger.hpp"

namespace wrtc::gateway {

namespace {

bool is_http_url(const std::string& s) {
  auto rest_after = [&](std::string_view prefix) {
    return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
  };
  if (!(rest_after("http://") || rest_after("https://"))) return false;
  return s.find_first_of(" \t\r\n") == std::string::npos;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t first = 0;
  while (first < s.size() && s[first] == ' ') ++first;
  return s.substr(first);
}

/// Reads a secret: from `file` when set (Kubernetes/CSI secret mount), else from `env_var`.
std::string read_secret(const std::string& file, const char* env_var, const char* file_option,
                        std::string& value) {
  if (!file.empty()) {
    std::ifstream in{file};
    if (!in) return std::string{file_option} + ": cannot read secret file '" + file + "'";
    std::stringstream ss;
    ss << in.rdbuf();
    value = trim(ss.str());
    if (value.empty()) return std::string{file_option} + ": secret file '" + file + "' is empty";
    return {};
  }
  if (const char* v = std::getenv(env_var); v != nullptr) value = trim(v);
  return {};
}

std::string strip_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

bool parse_sip_proxy(const std::string& text, sip_proxy_address& out) {
  std::string hostport = text;
  std::string params;
  if (auto semi = text.find(';'); semi != std::string::npos) {
    hostport = text.substr(0, semi);
    params = text.substr(semi + 1);
  }
  if (hostport.compare(0, 4, "sip:") == 0) hostport.erase(0, 4);
  sip_proxy_address result;
  if (!params.empty()) {
    if (params == "transport=tcp" || params == "transport=TCP")
      result.transport = "tcp";
    else if (params == "transport=udp" || params == "transport=UDP")
      result.transport = "udp";
    else
      return false;
  }
  std::string port_text;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos) return false;
    result.host = hostport.substr(0, close + 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return false;
      port_text = hostport.substr(close + 2);
    }
  } else {
    auto colon = hostport.rfind(':');
    result.host = hostport.substr(0, colon);
    if (colon != std::string::npos) port_text = hostport.substr(colon + 1);
  }
  if (result.host.empty() || result.host.find_first_of(" /@;?") != std::string::npos) return false;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos)
      return false;
    auto p = std::stoi(port_text);
    if (p < 1 || p > 65535) return false;
    result.port = static_cast<uint16_t>(p);
  } else if (hostport.find(':') != std::string::npos && hostport.front() != '[') {
    return false;
  }
  out = result;
  return true;
}

gateway_config::gateway_config() {
  register_message_types(*this);
  // CAF's defaults: one scheduler thread per core measured best on 2 cores.
  opt_group{custom_options_, "deployment"}.add(color, "color", "blue or green");
  opt_group{custom_options_, "http"}
    .add(http_address, "address", "signalling API bind address")
    .add(http_port, "port", "signalling API port (0 = any)")
    .add(allowed_origins, "allowed-origins", "origins allowed to call the API from a browser")
    .add(web_root, "web-root", "folder of the browser client and demo page (empty = none)");
  opt_group{custom_options_, "metrics"}
    .add(metrics_address, "address", "Prometheus exposition bind address")
    .add(metrics_port, "port", "Prometheus exposition port");
  opt_group{custom_options_, "sip"}
    .add(sip_address, "address", "SIP bind address")
    .add(sip_port, "port", "SIP port (UDP and TCP)")
    .add(register_timeout, "register-timeout", "time a REGISTER may take before sign-in fails")
    .add(unregister_timeout, "unregister-timeout", "time an un-REGISTER may take")
    .add(register_expires, "register-expires", "Expires of registrations");
  opt_group{custom_options_, "gateway"}
    .add(voice_sip_proxy, "voice-sip-proxy", "host:port[;transport=tcp] of the voice SIP proxy")
    .add(auth_service, "auth-service", "GAuth base URL")
    .add(env_service, "env-service", "GWS environment service base URL")
    .add(cfg_service, "cfg-service", "GWS configuration service base URL")
    .add(auth_redirect_uri, "auth-redirect-uri", "GWS/WWE redirect URI for agent authentication")
    .add(workers_count, "workers-count", "media worker threads")
    .add(enable_transcoding, "enable-transcoding", "Opus <-> G.711 transcoding")
    .add(enable_1pcc_calls, "enable-1pcc-calls", "first-party call control operations")
    .add(turn_external_uri, "turn-external-uri", "TURN server URI offered to clients")
    .add(log_path, "log-path", "log file, or stdout")
    .add(log_level, "log-level", "debug, info, warning or error")
    .add(es_server, "es-server", "log shipping target (stdout)")
    .add(max_clients, "max-clients", "sign-ins accepted by this instance");
  opt_group{custom_options_, "media"}
    .add(media_address, "address", "address of the media sockets and ICE host candidates")
    .add(media_port_min, "port-min", "lowest media port")
    .add(media_port_max, "port-max", "highest media port");
  opt_group{custom_options_, "session"}
    .add(poll_grace_period, "poll-grace-period", "a session not polled for this long ends")
    .add(double_sign_in, "double-sign-in", "policy for a DN already signed in: reject");
  opt_group{custom_options_, "gauth"}
    .add(gauth_token_cache_ttl, "token-cache-ttl", "how long a validated agent token is trusted");
  opt_group{custom_options_, "gws"}
    .add(tenant_cache_ttl, "tenant-cache-ttl", "how long a tenant record is trusted")
    .add(cfg_check_interval, "cfg-check-interval", "how often the configuration service is checked")
    .add(cfg_health_path, "cfg-health-path", "path checked on the configuration service");
  opt_group{custom_options_, "dependencies"}
    .add(dependency_timeout, "timeout", "deadline of one GAuth/GWS request")
    .add(dependency_attempts, "attempts", "attempts per GAuth/GWS request before it is down");
  opt_group{custom_options_, "secrets"}
    .add(gws_client_file, "gws-client-file", "file holding the GWS client id")
    .add(gws_secret_file, "gws-secret-file", "file holding the GWS client secret")
    .add(sip_password_file, "sip-password-file", "file holding the registrar digest password")
    .add(turn_user_file, "turn-user-file", "file holding the TURN user name")
    .add(turn_password_file, "turn-password-file", "file holding the TURN password");
}

std::string gateway_config::validate_and_load_secrets() {
  if (color != "blue" && color != "green")
    return "deployment.color: expected blue or green, got '" + color + "'";
  if (http_address.empty()) return "http.address: expected an IP address";
  if (voice_sip_proxy.empty()) return "gateway.voice-sip-proxy: required (host:port[;transport=tcp])";
  if (!parse_sip_proxy(voice_sip_proxy, proxy))
    return "gateway.voice-sip-proxy: expected host:port[;transport=udp|tcp], got '" +
           voice_sip_proxy + "'";
  if (auth_service.empty()) return "gateway.auth-service: required (GAuth base URL)";
  if (!is_http_url(auth_service))
    return "gateway.auth-service: expected an http:// or https:// URL, got '" + auth_service + "'";
  if (env_service.empty()) return "gateway.env-service: required (GWS environment base URL)";
  if (!is_http_url(env_service))
    return "gateway.env-service: expected an http:// or https:// URL, got '" + env_service + "'";
  if (!cfg_service.empty() && !is_http_url(cfg_service))
    return "gateway.cfg-service: expected an http:// or https:// URL, got '" + cfg_service + "'";
  if (auth_redirect_uri.empty()) return "gateway.auth-redirect-uri: required (URL)";
  if (!is_http_url(auth_redirect_uri))
    return "gateway.auth-redirect-uri: expected an http:// or https:// URL, got '" +
           auth_redirect_uri + "'";
  auth_service = strip_trailing_slash(auth_service);
  env_service = strip_trailing_slash(env_service);
  cfg_service = strip_trailing_slash(cfg_service);
  if (workers_count < 1 || workers_count > 64)
    return "gateway.workers-count: expected 1..64, got " + std::to_string(workers_count);
  if (max_clients < 1) return "gateway.max-clients: expected a positive number";
  if (media_port_min == 0 || media_port_min >= media_port_max)
    return "media.port-min/media.port-max: expected 0 < port-min < port-max, got " +
           std::to_string(media_port_min) + ".." + std::to_string(media_port_max);
  if (double_sign_in != "reject")
    return "session.double-sign-in: expected reject, got '" + double_sign_in + "'";
  if (es_server != "stdout")
    return "gateway.es-server: expected stdout (logs go to stdout or gateway.log-path, for a "
           "log shipper to collect), got '" + es_server + "'";
  log::level lvl;
  if (!log::parse_level(log_level, lvl))
    return "gateway.log-level: expected debug, info, warning or error, got '" + log_level + "'";
  if (poll_grace_period < std::chrono::seconds{1})
    return "session.poll-grace-period: expected at least 1s";
  if (register_timeout < std::chrono::milliseconds{100})
    return "sip.register-timeout: expected at least 100ms";
  if (register_expires < std::chrono::seconds{30})
    return "sip.register-expires: expected at least 30s";
  if (dependency_attempts < 1 || dependency_attempts > 10)
    return "dependencies.attempts: expected 1..10";
  for (const auto& o : allowed_origins) {
    if (o != "*" && !is_http_url(o))
      return "http.allowed-origins: expected origins like https://desk.example, got '" + o + "'";
  }
  if (auto err = read_secret(gws_client_file, "WRTC_GWS_CLIENT", "secrets.gws-client-file",
                             gws_client);
      !err.empty())
    return err;
  if (auto err = read_secret(gws_secret_file, "WRTC_GWS_SECRET", "secrets.gws-secret-file",
                             gws_secret);
      !err.empty())
    return err;
  if (auto err = read_secret(sip_password_file, "WRTC_SIP_PASSWORD", "secrets.sip-password-file",
                             sip_password);
      !err.empty())
    return err;
  if (auto err = read_secret(turn_user_file, "WRTC_TURN_USER", "secrets.turn-user-file", turn_user);
      !err.empty())
    return err;
  if (auto err = read_secret(turn_password_file, "WRTC_TURN_PASSWORD",
                             "secrets.turn-password-file", turn_password);
      !err.empty())
    return err;
  if (media_address.empty())
    return "media.address: required (the IP address of ICE host candidates and RTP sockets)";
  if (gws_client.empty())
    return "secrets.gws-client-file: GWS client id missing (set WRTC_GWS_CLIENT or the file)";
  if (gws_secret.empty())
    return "secrets.gws-secret-file: GWS client secret missing (set WRTC_GWS_SECRET or the file)";
  return {};
}

}  // namespace wrtc::gateway
