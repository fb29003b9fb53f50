// Every wrtc_* metric of the gateway, registered once per process with prometheus-cpp.
#pragma once

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace wrtc::metrics {

/// A current/peak/total triple for one kind of call (in, out, audio, video, xcoding).
struct call_gauges {
  prometheus::Gauge* current = nullptr;
  prometheus::Gauge* peak = nullptr;
  prometheus::Counter* total = nullptr;

  /// A call of this kind started: current+1, peak follows, total+1.
  void started();
  /// A call of this kind ended: current-1.
  void ended();
};

/// The gateway's metric families. All prometheus-cpp metric objects are thread-safe (atomics), so
/// any thread may update them; adding a new labelled child (a new domain) takes the family lock.
///
/// `wrtc_system_error` is documented with both integer (state) and counter rows; Prometheus allows
/// one type per family, so it is a gauge family: the state rows are 1 (up) or 0 (down), the
/// `*_errors` rows only ever grow.
class gateway_metrics {
 private:
  // Declared first: the public references below are initialized from these.
  // Allocated by this, shared with the exposer.
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& system_error_;
  prometheus::Family<prometheus::Counter>& registrations_;
  prometheus::Family<prometheus::Counter>& failed_registrations_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Counter>& client_errors_;
  prometheus::Family<prometheus::Counter>& rtp_gateway_jitter_;
  prometheus::Family<prometheus::Counter>& rtp_client_jitter_;
  prometheus::Family<prometheus::Counter>& http_rejected_;

 public:
  // -- construction -----------------------------------------------------------

  /// Registers every family in a new registry.
  gateway_metrics();

  gateway_metrics(const gateway_metrics&) = delete;
  gateway_metrics& operator=(const gateway_metrics&) = delete;

  /// The registry for an exposer.
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // -- sign-in ----------------------------------------------------------------

  prometheus::Gauge& current_signins;
  prometheus::Counter& unauthorized_access;
  prometheus::Counter& unknown_request;
  prometheus::Counter& double_signin;
  prometheus::Gauge& max_clients_per_instance;
  prometheus::Gauge& max_clients_per_node;

  /// wrtc_registrations_by_domain{domain}.
  prometheus::Counter& registrations(const std::string& domain);
  /// wrtc_failed_registrations_by_domain{domain}.
  prometheus::Counter& failed_registrations(const std::string& domain);
  /// wrtc_calls_by_domain{domain}.
  prometheus::Counter& calls(const std::string& domain);

  /// wrtc_client_errors{type}.
  prometheus::Counter& client_errors_double_sign_in_reject;
  prometheus::Counter& client_errors_dropped_on_signout;
  prometheus::Counter& client_errors_timeout;

  // -- calls ------------------------------------------------------------------

  call_gauges in_calls;
  call_gauges out_calls;
  call_gauges audio_calls;
  call_gauges video_calls;
  call_gauges xcoding_calls;

  // -- media ------------------------------------------------------------------

  prometheus::Counter& rtp_errors;
  prometheus::Counter& rtp_gateway_jitter_over_100;
  prometheus::Counter& rtp_gateway_jitter_over_300;
  prometheus::Counter& rtp_gateway_jitter_over_500;
  prometheus::Counter& rtp_client_jitter_over_100;
  prometheus::Counter& rtp_client_jitter_over_300;
  prometheus::Counter& rtp_client_jitter_over_500;

  // -- system errors (wrtc_system_error{type}) --------------------------------

  prometheus::Gauge& turn_errors;
  prometheus::Gauge& es_up;
  prometheus::Gauge& es_errors;
  prometheus::Gauge& auth_up;
  prometheus::Gauge& gauth_errors;
  prometheus::Gauge& cfg_up;
  prometheus::Gauge& cfg_errors;
  prometheus::Gauge& env_up;
  prometheus::Gauge& env_errors;
  /// wrtc_system_error{type="sips",sip="<proxy>"}: registration transactions that timed out.
  prometheus::Gauge& sip_timeouts(const std::string& proxy);

  // -- project extensions -----------------------------------------------------

  /// wrtc_http_rejected_requests{reason}: requests the signalling server refused as malformed.
  prometheus::Counter& http_rejected(const std::string& reason);

};

}  // namespace wrtc::metrics
