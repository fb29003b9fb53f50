// Unit suite of the GAuth supervisor actor.
#define CAF_SUITE actors.auth_supervisor

#include "tests/unit/test_config.hpp"

#include <deque>

#include "actors/auth_supervisor.hpp"
#include "actors/gateway_error.hpp"

using namespace caf;
using namespace wrtc;
using http_client::incoming_response;
using http_client::outgoing_request;

namespace {

struct fixture : wrtc::test::fixture {
  metrics::gateway_metrics metrics;
  std::vector<outgoing_request> requests;
  /// Answers the fetcher gives, in order; when empty it answers 200 with a valid userinfo.
  std::deque<incoming_response> script;
  actor fetcher;
  actor auth;

  fixture() {
    fetcher = sys.spawn([this](event_based_actor*) -> behavior {
      return {[this](fetch_atom, outgoing_request& r) -> incoming_response {
        requests.push_back(r);
        if (script.empty())
          return {200, R"({"user_name":"alice","contact_center_id":"cc-1"})", "", false};
        auto next = script.front();
        script.pop_front();
        return next;
      }};
    });
    auth_supervisor_config cfg;
    cfg.auth_service = "http://gauth";
    cfg.client_id = "wrtc";
    cfg.client_secret = "s3cret";
    cfg.retry.max_attempts = 2;
    cfg.up_gauge = &metrics.auth_up;
    cfg.error_gauge = &metrics.gauth_errors;
    auth = sys.spawn(auth_supervisor, cfg, fetcher);
  }

  expected<agent_identity> validate(const std::string& token) {
    return ask_now<agent_identity>(auth, validate_atom::value, token);
  }


  ~fixture() { stop({auth, fetcher}); }
};

incoming_response refused() {
  return {0, "", "Connection refused", false};
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(auth_supervisor_tests, fixture)

CAF_TEST(a valid token yields the agent identity from userinfo) {
  auto who = validate("agent-alice");
  CAF_REQUIRE(who);
  CAF_CHECK_EQUAL(who->user_name, "alice");
  CAF_CHECK_EQUAL(who->contact_center_id, "cc-1");
  CAF_REQUIRE_EQUAL(requests.size(), 1u);
  CAF_CHECK_EQUAL(requests[0].url, "http://gauth/auth/v3/userinfo");
  CAF_CHECK_EQUAL(requests[0].headers[0], "Authorization: Bearer agent-alice");
}

CAF_TEST(a validated token is cached) {
  CAF_CHECK(validate("agent-alice"));
  CAF_CHECK(validate("agent-alice"));
  CAF_CHECK_EQUAL(requests.size(), 1u);
  sched.advance_time(std::chrono::seconds{61});
  CAF_CHECK(validate("agent-alice"));
  CAF_CHECK_EQUAL(requests.size(), 2u);
}

CAF_TEST(a token gauth refuses is unauthorized and gauth stays up) {
  script.push_back({401, R"({"error":"invalid_token"})", "", false});
  auto who = validate("agent-mallory");
  CAF_REQUIRE(!who);
  CAF_CHECK_EQUAL(to_gateway_errc(who.error()), gateway_errc::unauthorized);
  CAF_CHECK_EQUAL(metrics.auth_up.Value(), 1.0);
  CAF_CHECK_EQUAL(metrics.gauth_errors.Value(), 0.0);
}

CAF_TEST(gauth down is retried then reported unavailable and recovers by probe) {
  script = {refused(), refused()};
  auto result = ask<agent_identity>(auth, validate_atom::value, std::string{"agent-alice"});
  dispatch();
  CAF_CHECK_EQUAL(requests.size(), 1u);
  CAF_CHECK(!result->has_value());
  sched.trigger_timeout();  // the retry after backoff
  dispatch();
  CAF_CHECK_EQUAL(requests.size(), 2u);
  CAF_REQUIRE(result->has_value());
  CAF_REQUIRE(!**result);
  CAF_CHECK_EQUAL(to_gateway_errc((*result)->error()), gateway_errc::service_unavailable);
  CAF_CHECK_EQUAL(metrics.auth_up.Value(), 0.0);
  CAF_CHECK_EQUAL(metrics.gauth_errors.Value(), 2.0);
  // While down, sign-ins fail fast without a request.
  auto fast = validate("agent-bob");
  CAF_CHECK(!fast);
  CAF_CHECK_EQUAL(requests.size(), 2u);
  // The probe (the token endpoint, with the gateway's client credentials) finds GAuth back.
  script.push_back({200, R"({"access_token":"svc","token_type":"bearer","expires_in":3600})", "",
                    false});
  sched.trigger_timeout();
  dispatch();
  CAF_REQUIRE_EQUAL(requests.size(), 3u);
  CAF_CHECK_EQUAL(requests[2].url, "http://gauth/auth/v3/oauth/token");
  CAF_CHECK_EQUAL(requests[2].basic_user, "wrtc");
  CAF_CHECK_EQUAL(requests[2].body, "grant_type=client_credentials");
  CAF_CHECK_EQUAL(metrics.auth_up.Value(), 1.0);
  CAF_CHECK(validate("agent-bob"));
}

CAF_TEST(a garbage userinfo answer counts as a gauth failure) {
  script.push_back({200, "{not json", "", false});
  auto who = validate("agent-alice");
  CAF_REQUIRE(!who);
  CAF_CHECK_EQUAL(to_gateway_errc(who.error()), gateway_errc::service_unavailable);
  CAF_CHECK_EQUAL(metrics.gauth_errors.Value(), 1.0);
}

CAF_TEST(the service token is fetched once and reused) {
  script.push_back({200, R"({"access_token":"svc-1","token_type":"bearer","expires_in":3600})",
                    "", false});
  auto t1 = ask<std::string>(auth, service_token_atom::value);
  auto t2 = ask<std::string>(auth, service_token_atom::value);
  dispatch();
  CAF_REQUIRE(t1->has_value() && t2->has_value());
  CAF_CHECK_EQUAL(***t1, "svc-1");
  CAF_CHECK_EQUAL(***t2, "svc-1");
  CAF_CHECK_EQUAL(requests.size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
