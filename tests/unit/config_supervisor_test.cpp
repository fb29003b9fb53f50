// Unit suite of the GWS supervisor actor.
#define CAF_SUITE actors.config_supervisor

#include "tests/unit/test_config.hpp"

#include <deque>

#include "actors/config_supervisor.hpp"
#include "actors/gateway_error.hpp"

using namespace caf;
using namespace wrtc;
using http_client::incoming_response;
using http_client::outgoing_request;

namespace {

struct fixture : wrtc::test::fixture {
  metrics::gateway_metrics metrics;
  std::vector<outgoing_request> requests;
  std::deque<incoming_response> script;
  int invalidations = 0;
  actor fetcher;
  actor auth;
  actor gws;

  fixture() {
    fetcher = sys.spawn([this](event_based_actor*) -> behavior {
      return {[this](fetch_atom, outgoing_request& r) -> incoming_response {
        requests.push_back(r);
        if (script.empty()) return {200, R"({"id":"cc-1","domain":"tenant.test"})", "", false};
        auto next = script.front();
        script.pop_front();
        return next;
      }};
    });
    auth = sys.spawn([this](event_based_actor*) -> behavior {
      return {
        [](service_token_atom) { return std::string{"svc-token"}; },
        [this](invalidate_atom, service_token_atom) { ++invalidations; },
      };
    });
    config_supervisor_config cfg;
    cfg.env_service = "http://gws";
    cfg.retry.max_attempts = 2;
    cfg.env_up_gauge = &metrics.env_up;
    cfg.env_error_gauge = &metrics.env_errors;
    gws = sys.spawn(config_supervisor, cfg, auth, fetcher);
    dispatch();
  }

  expected<tenant_record> tenant(const std::string& id) {
    return ask_now<tenant_record>(gws, tenant_atom::value, id);
  }

  ~fixture() { stop({gws, auth, fetcher}); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(config_supervisor_tests, fixture)

CAF_TEST(a tenant is read with the service token and cached) {
  auto t = tenant("cc-1");
  CAF_REQUIRE(t);
  CAF_CHECK_EQUAL(t->domain, "tenant.test");
  CAF_REQUIRE_EQUAL(requests.size(), 1u);
  CAF_CHECK_EQUAL(requests[0].url, "http://gws/environment/v3/contact-centers/cc-1");
  CAF_CHECK_EQUAL(requests[0].headers[0], "Authorization: Bearer svc-token");
  CAF_CHECK(tenant("cc-1"));
  CAF_CHECK_EQUAL(requests.size(), 1u);
}

CAF_TEST(an unknown contact center is forbidden) {
  script.push_back({404, "{}", "", false});
  auto t = tenant("cc-404");
  CAF_REQUIRE(!t);
  CAF_CHECK_EQUAL(to_gateway_errc(t.error()), gateway_errc::forbidden);
  CAF_CHECK(!tenant("../admin"));
}

CAF_TEST(a refused service token is renewed once) {
  script.push_back({401, "{}", "", false});
  auto t = tenant("cc-1");
  CAF_CHECK(t);
  CAF_CHECK_EQUAL(invalidations, 1);
  CAF_CHECK_EQUAL(requests.size(), 2u);
}

CAF_TEST(gws down makes tenants unavailable but cached tenants keep working) {
  CAF_CHECK(tenant("cc-1"));
  script = {{503, "", "", false}, {503, "", "", false}};
  auto t = ask<tenant_record>(gws, tenant_atom::value, std::string{"cc-2"});
  dispatch();
  sched.trigger_timeout();  // the retry after backoff
  dispatch();
  CAF_REQUIRE(t->has_value());
  CAF_REQUIRE(!**t);
  CAF_CHECK_EQUAL(to_gateway_errc((*t)->error()), gateway_errc::service_unavailable);
  CAF_CHECK_EQUAL(metrics.env_up.Value(), 0.0);
  CAF_CHECK_EQUAL(metrics.env_errors.Value(), 2.0);
  // Known tenants are still served while GWS is down.
  sched.advance_time(std::chrono::seconds{400});
  CAF_CHECK(tenant("cc-1"));
}

CAF_TEST_FIXTURE_SCOPE_END()
