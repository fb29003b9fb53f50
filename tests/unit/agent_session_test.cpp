// Unit suite of the agent session actor.
#define CAF_SUITE actors.agent_session

#include "tests/unit/test_config.hpp"

#include "actors/agent_session.hpp"
#include "actors/gateway_error.hpp"
#include "protocols/security/crypto_primitives.hpp"

using namespace caf;
using namespace wrtc;
using wrtc::test::captured_exchange;

namespace {

struct fixture : wrtc::test::fixture {
  metrics::gateway_metrics metrics;
  std::vector<sip::registration_request> registers;
  std::vector<uint64_t> unregisters;
  std::vector<uint64_t> cancels;
  std::vector<std::string> released;
  actor sip;
  actor directory;
  actor session;

  fixture() {
    sip = sys.spawn([this](event_based_actor*) -> behavior {
      return {
        [this](sip_register_atom, sip::registration_request& r) { registers.push_back(r); },
        [this](sip_unregister_atom, uint64_t id) { unregisters.push_back(id); },
        [this](sip_cancel_atom, uint64_t id) { cancels.push_back(id); },
      };
    });
    directory = sys.spawn([this](event_based_actor*) -> behavior {
      return {[this](release_atom, const std::string& id) { released.push_back(id); }};
    });
    agent_session_params p;
    p.session_id = "s1";
    p.dn = "5001";
    p.tenant = "cc-1";
    p.domain = "tenant.test";
    p.user_name = "alice";
    p.token_digest = security::sha256_hex("agent-alice");
    p.sip_auth_password = "pw";
    p.register_timeout = std::chrono::seconds{3};
    p.poll_grace = std::chrono::seconds{60};
    session = sys.spawn(agent_session, p, sip, directory, &metrics);
  }

  session_credentials cookie() { return {"s1", {}}; }

  /// Starts the session and answers its REGISTER with `outcome`; returns the start reply.
  expected<bool> start_and_answer(sip::registration_outcome outcome, int status) {
    auto result = ask<bool>(session, start_atom::value);
    dispatch();
    CAF_REQUIRE_EQUAL(registers.size(), 1u);
    self->send(session, sip_event_atom::value,
               sip::registration_event{registers[0].id, outcome, status, ""});
    dispatch();
    CAF_REQUIRE(result->has_value());
    return **result;
  }

  captured_exchange poll(uint64_t after, uint32_t timeout, session_credentials cred) {
    captured_exchange c;
    self->send(session, poll_atom::value, c.ex, cred, after, timeout);
    dispatch();
    return c;
  }

  ~fixture() { stop({session, sip, directory}); }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(agent_session_tests, fixture)

CAF_TEST(sign in registers the dn at the tenant domain with digest credentials) {
  auto result = start_and_answer(sip::registration_outcome::registered, 200);
  CAF_REQUIRE(result);
  CAF_CHECK_EQUAL(registers[0].user, "5001");
  CAF_CHECK_EQUAL(registers[0].domain, "tenant.test");
  CAF_CHECK_EQUAL(registers[0].auth_user, "5001");
  CAF_CHECK_EQUAL(registers[0].auth_password, "pw");
  CAF_CHECK_EQUAL(metrics.current_signins.Value(), 1.0);
  CAF_CHECK_EQUAL(metrics.registrations("tenant.test").Value(), 1.0);
}

CAF_TEST(the first event is session registered with seq one) {
  start_and_answer(sip::registration_outcome::registered, 200);
  auto c = poll(0, 30, cookie());
  CAF_REQUIRE(c.answered());
  CAF_CHECK_EQUAL(c.status(), 200);
  auto body = nlohmann::json::parse(c.body());
  CAF_REQUIRE_EQUAL(body["events"].size(), 1u);
  CAF_CHECK_EQUAL(body["events"][0]["seq"], 1);
  CAF_CHECK_EQUAL(body["events"][0]["type"], "session.registered");
}

CAF_TEST(a lost response is resumed with the same after and nothing is lost) {
  start_and_answer(sip::registration_outcome::registered, 200);
  auto first = poll(0, 30, cookie());
  auto again = poll(0, 30, cookie());
  CAF_REQUIRE(again.answered());
  CAF_CHECK_EQUAL(first.body(), again.body());
  // Advancing past seq 1 parks the poll: nothing newer exists.
  auto parked = poll(1, 30, cookie());
  CAF_CHECK(!parked.answered());
  // The poll timeout answers with no events.
  sched.trigger_timeouts();
  dispatch();
  CAF_REQUIRE(parked.answered());
  CAF_CHECK_EQUAL(parked.body(), R"({"events":[]})");
}

CAF_TEST(a parked poll is answered by the next event) {
  start_and_answer(sip::registration_outcome::registered, 200);
  auto parked = poll(1, 30, cookie());
  CAF_CHECK(!parked.answered());
  self->send(session, end_atom::value, std::string{"test"});
  dispatch();
  CAF_REQUIRE(parked.answered());
  auto body = nlohmann::json::parse(parked.body());
  CAF_REQUIRE_EQUAL(body["events"].size(), 1u);
  CAF_CHECK_EQUAL(body["events"][0]["seq"], 2);
  CAF_CHECK_EQUAL(body["events"][0]["type"], "session.ended");
  CAF_CHECK_EQUAL(body["events"][0]["reason"], "test");
}

CAF_TEST(requests without the cookie or the token are refused) {
  start_and_answer(sip::registration_outcome::registered, 200);
  auto wrong = poll(0, 30, {"other-session", security::sha256_hex("agent-bob")});
  CAF_CHECK_EQUAL(wrong.status(), 401);
  CAF_CHECK_EQUAL(metrics.unauthorized_access.Value(), 1.0);
  auto by_token = poll(0, 30, {{}, security::sha256_hex("agent-alice")});
  CAF_CHECK_EQUAL(by_token.status(), 200);
}

CAF_TEST(sign out un-registers and answers 204 once the registrar confirmed) {
  start_and_answer(sip::registration_outcome::registered, 200);
  captured_exchange c;
  self->send(session, sign_out_atom::value, c.ex, cookie());
  dispatch();
  CAF_REQUIRE_EQUAL(unregisters.size(), 1u);
  CAF_CHECK_EQUAL(unregisters[0], registers[0].id);
  CAF_CHECK(!c.answered());
  CAF_CHECK_EQUAL(metrics.current_signins.Value(), 0.0);
  CAF_REQUIRE_EQUAL(released.size(), 1u);
  self->send(session, sip_event_atom::value,
             sip::registration_event{registers[0].id, sip::registration_outcome::unregistered,
                                     200, "OK"});
  dispatch();
  CAF_CHECK_EQUAL(c.status(), 204);
}

CAF_TEST(a refused registration fails the sign in and counts it) {
  auto result = start_and_answer(sip::registration_outcome::refused, 403);
  CAF_REQUIRE(!result);
  CAF_CHECK_EQUAL(to_gateway_errc(result.error()), gateway_errc::registration_failed);
  CAF_CHECK_EQUAL(metrics.failed_registrations("tenant.test").Value(), 1.0);
  CAF_CHECK_EQUAL(metrics.current_signins.Value(), 0.0);
  CAF_CHECK_EQUAL(released.size(), 1u);
}

CAF_TEST(an unanswered registration fails the sign in after the timeout) {
  auto result = ask<bool>(session, start_atom::value);
  dispatch();
  CAF_REQUIRE_EQUAL(registers.size(), 1u);
  CAF_CHECK(!result->has_value());
  sched.trigger_timeouts();
  dispatch();
  CAF_REQUIRE(result->has_value());
  CAF_REQUIRE(!**result);
  CAF_CHECK_EQUAL(to_gateway_errc((*result)->error()), gateway_errc::registration_failed);
  CAF_CHECK_EQUAL(cancels.size(), 1u);
  CAF_CHECK_EQUAL(metrics.failed_registrations("tenant.test").Value(), 1.0);
}

CAF_TEST(a client that stops polling is ended after the grace period) {
  start_and_answer(sip::registration_outcome::registered, 200);
  sched.advance_time(std::chrono::seconds{61});
  dispatch();
  CAF_CHECK_EQUAL(metrics.client_errors_timeout.Value(), 1.0);
  CAF_REQUIRE_EQUAL(unregisters.size(), 1u);
  CAF_CHECK_EQUAL(metrics.current_signins.Value(), 0.0);
}

CAF_TEST(a client that keeps polling is not ended) {
  start_and_answer(sip::registration_outcome::registered, 200);
  for (int i = 0; i < 5; ++i) {
    auto c = poll(1, 30, cookie());
    sched.advance_time(std::chrono::seconds{30});
    dispatch();
    CAF_CHECK(c.answered());
  }
  CAF_CHECK_EQUAL(metrics.client_errors_timeout.Value(), 0.0);
  CAF_CHECK(unregisters.empty());
}

CAF_TEST(session state is inspectable and serializable) {
  start_and_answer(sip::registration_outcome::registered, 200);
  auto reply = ask_now<agent_session_data>(session, state_atom::value);
  CAF_REQUIRE(reply);
  auto data = *reply;
  CAF_CHECK_EQUAL(data.dn, "5001");
  CAF_CHECK_EQUAL(data.phase, session_phase::registered);
  CAF_CHECK_EQUAL(data.events.size(), 1u);
  auto text = deep_to_string(data);
  CAF_CHECK(text.find("5001") != std::string::npos);
  std::vector<char> buf;
  binary_serializer sink{sys, buf};
  CAF_CHECK(!sink(data));
  agent_session_data copy;
  binary_deserializer source{sys, buf};
  CAF_CHECK(!source(copy));
  CAF_CHECK_EQUAL(copy.events.size(), 1u);
  CAF_CHECK_EQUAL(copy.next_seq, data.next_seq);
}

CAF_TEST_FIXTURE_SCOPE_END()
