// The gateway's configuration: CAF options (file, then command line), secrets from the
// environment or from mounted files, and validation that names the offending option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/timespan.hpp>

namespace wrtc::gateway {

/// A SIP proxy address as given in gateway.voice-sip-proxy.
struct sip_proxy_address {
  std::string host;
  uint16_t port = 5060;
  /// "udp" or "tcp".
  std::string transport = "udp";
};

/// Parses "host:port" or "host:port;transport=tcp|udp"; returns false on anything else.
bool parse_sip_proxy(const std::string& text, sip_proxy_address& out);

class gateway_config : public caf::actor_system_config {
 public:
  gateway_config();

  /// Checks every option after parsing and reads the secrets. Returns "" when all is well,
  /// otherwise one line naming the option and what was expected.
  std::string validate_and_load_secrets();

  // -- deployment -------------------------------------------------------------
  std::string color = "blue";

  // -- http -------------------------------------------------------------------
  std::string http_address = "0.0.0.0";
  uint16_t http_port = 8086;
  std::vector<std::string> allowed_origins;
  std::string web_root;

  // -- metrics ----------------------------------------------------------------
  std::string metrics_address = "0.0.0.0";
  uint16_t metrics_port = 10052;

  // -- sip --------------------------------------------------------------------
  std::string sip_address = "0.0.0.0";
  uint16_t sip_port = 5070;
  caf::timespan register_timeout = std::chrono::seconds{10};
  caf::timespan unregister_timeout = std::chrono::seconds{5};
  caf::timespan register_expires = std::chrono::seconds{300};

  // -- gateway (names follow the Helm values) ---------------------------------
  std::string voice_sip_proxy;
  std::string auth_service;
  std::string env_service;
  std::string cfg_service;
  std::string auth_redirect_uri;
  int32_t workers_count = 3;
  bool enable_transcoding = true;
  bool enable_1pcc_calls = false;
  std::string turn_external_uri;
  std::string log_path = "stdout";
  std::string log_level = "info";
  std::string es_server = "stdout";
  int32_t max_clients = 25000;

  // -- media ------------------------------------------------------------------
  std::string media_address;
  uint16_t media_port_min = 40000;
  uint16_t media_port_max = 43000;

  // -- session ----------------------------------------------------------------
  caf::timespan poll_grace_period = std::chrono::seconds{60};
  std::string double_sign_in = "reject";

  // -- dependencies -----------------------------------------------------------
  caf::timespan gauth_token_cache_ttl = std::chrono::seconds{60};
  caf::timespan dependency_timeout = std::chrono::seconds{3};
  int32_t dependency_attempts = 2;
  caf::timespan tenant_cache_ttl = std::chrono::seconds{300};
  caf::timespan cfg_check_interval = std::chrono::seconds{30};
  std::string cfg_health_path = "/configuration/v3/ping";

  // -- secrets (never logged) -------------------------------------------------
  std::string gws_client_file;
  std::string gws_secret_file;
  std::string sip_password_file;
  std::string turn_user_file;
  std::string turn_password_file;
  /// Loaded by validate_and_load_secrets().
  std::string gws_client;
  std::string gws_secret;
  std::string sip_password;
  std::string turn_user;
  std::string turn_password;

  /// Parsed gateway.voice-sip-proxy.
  sip_proxy_address proxy;
};

}  // namespace wrtc::gateway
