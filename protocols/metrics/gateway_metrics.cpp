// Registration of the gateway's metric families.
#include "protocols/metrics/gateway_metrics.hpp"

namespace wrtc::metrics {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Registry;

Gauge& plain_gauge(Registry& r, const char* name, const char* help) {
  return BuildGauge().Name(name).Help(help).Register(r).Add({});
}

Counter& plain_counter(Registry& r, const char* name, const char* help) {
  return BuildCounter().Name(name).Help(help).Register(r).Add({});
}

Family<Gauge>& gauge_family(Registry& r, const char* name, const char* help) {
  return BuildGauge().Name(name).Help(help).Register(r);
}

Family<Counter>& counter_family(Registry& r, const char* name, const char* help) {
  return BuildCounter().Name(name).Help(help).Register(r);
}

call_gauges make_call_gauges(Registry& r, const char* kind) {
  auto current = std::string{"wrtc_current_"} + kind + "_calls";
  auto peak = std::string{"wrtc_peak_"} + kind + "_calls";
  auto total = std::string{"wrtc_total_"} + kind + "_calls";
  call_gauges g;
  g.current = &BuildGauge().Name(current).Help(std::string{"Current "} + kind + " calls")
                   .Register(r).Add({});
  g.peak = &BuildGauge().Name(peak).Help(std::string{"Maximum number of "} + kind + " calls")
                .Register(r).Add({});
  g.total = &BuildCounter().Name(total).Help(std::string{"Total number of "} + kind + " calls")
                 .Register(r).Add({});
  return g;
}

}  // namespace

void call_gauges::started() {
  current->Increment();
  if (current->Value() > peak->Value()) peak->Set(current->Value());
  total->Increment();
}

void call_gauges::ended() {
  current->Decrement();
}

gateway_metrics::gateway_metrics()
    : registry_(std::make_shared<Registry>()),
      system_error_(gauge_family(*registry_, "wrtc_system_error",
                                 "System errors: service state (1 up, 0 down) and error counts")),
      registrations_(counter_family(*registry_, "wrtc_registrations_by_domain",
                                    "Client registrations per domain")),
      failed_registrations_(counter_family(*registry_, "wrtc_failed_registrations_by_domain",
                                           "Failed client registrations per domain")),
      calls_(counter_family(*registry_, "wrtc_calls_by_domain", "Calls by domain")),
      client_errors_(counter_family(*registry_, "wrtc_client_errors", "Client errors by type")),
      rtp_gateway_jitter_(counter_family(*registry_, "wrtc_rtp_gateway_jitter",
                                         "RTP jitter measured by the gateway over a threshold (ms)")),
      rtp_client_jitter_(counter_family(*registry_, "wrtc_rtp_client_jitter",
                                        "RTP jitter reported by clients over a threshold (ms)")),
      http_rejected_(counter_family(*registry_, "wrtc_http_rejected_requests",
                                    "Signalling requests rejected as malformed, by reason")),
      current_signins(plain_gauge(*registry_, "wrtc_current_signins", "Current registered DNs")),
      unauthorized_access(plain_counter(*registry_, "wrtc_unauthorized_access",
                                        "Unauthorized access attempts")),
      unknown_request(plain_counter(*registry_, "wrtc_unknown_request", "Unknown requests")),
      double_signin(plain_counter(*registry_, "wrtc_double_signin",
                                  "Registration requests received for a registered DN")),
      max_clients_per_instance(plain_gauge(*registry_, "wrtc_max_clients_per_instance",
                                           "Maximum number of clients per instance")),
      max_clients_per_node(plain_gauge(*registry_, "wrtc_max_clients_per_node",
                                       "Maximum number of clients per node")),
      client_errors_double_sign_in_reject(client_errors_.Add({{"type", "double_sign_in_reject"}})),
      client_errors_dropped_on_signout(client_errors_.Add({{"type", "dropped_on_signout"}})),
      client_errors_timeout(client_errors_.Add({{"type", "timeout"}})),
      in_calls(make_call_gauges(*registry_, "in")),
      out_calls(make_call_gauges(*registry_, "out")),
      audio_calls(make_call_gauges(*registry_, "audio")),
      video_calls(make_call_gauges(*registry_, "video")),
      xcoding_calls(make_call_gauges(*registry_, "xcoding")),
      rtp_errors(plain_counter(*registry_, "wrtc_rtp_errors", "RTP receive errors")),
      rtp_gateway_jitter_over_100(rtp_gateway_jitter_.Add({{"over", "100"}})),
      rtp_gateway_jitter_over_300(rtp_gateway_jitter_.Add({{"over", "300"}})),
      rtp_gateway_jitter_over_500(rtp_gateway_jitter_.Add({{"over", "500"}})),
      rtp_client_jitter_over_100(rtp_client_jitter_.Add({{"over", "100"}})),
      rtp_client_jitter_over_300(rtp_client_jitter_.Add({{"over", "300"}})),
      rtp_client_jitter_over_500(rtp_client_jitter_.Add({{"over", "500"}})),
      turn_errors(system_error_.Add({{"type", "turn_errors"}})),
      es_up(system_error_.Add({{"type", "es"}})),
      es_errors(system_error_.Add({{"type", "es_errors"}})),
      auth_up(system_error_.Add({{"type", "auth"}})),
      gauth_errors(system_error_.Add({{"type", "gauth_errors"}})),
      cfg_up(system_error_.Add({{"type", "cfg"}})),
      cfg_errors(system_error_.Add({{"type", "cfg_errors"}})),
      env_up(system_error_.Add({{"type", "env"}})),
      env_errors(system_error_.Add({{"type", "env_errors"}})) {
  // Services count as up until a request to them fails.
  auth_up.Set(1);
  cfg_up.Set(1);
  env_up.Set(1);
  es_up.Set(1);
}

Counter& gateway_metrics::registrations(const std::string& domain) {
  return registrations_.Add({{"domain", domain}});
}

Counter& gateway_metrics::failed_registrations(const std::string& domain) {
  return failed_registrations_.Add({{"domain", domain}});
}

Counter& gateway_metrics::calls(const std::string& domain) {
  return calls_.Add({{"domain", domain}});
}

Gauge& gateway_metrics::sip_timeouts(const std::string& proxy) {
  return system_error_.Add({{"type", "sips"}, {"sip", proxy}});
}

Counter& gateway_metrics::http_rejected(const std::string& reason) {
  return http_rejected_.Add({{"reason", reason}});
}

}  // namespace wrtc::metrics
