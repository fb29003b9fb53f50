// Unit suite of the SIP endpoint actor: which actor each SIP event reaches.
#define CAF_SUITE actors.sip_endpoint

#include "tests/unit/test_config.hpp"

#include "actors/sip_endpoint.hpp"

using namespace caf;
using namespace wrtc;

namespace {

/// Records the commands the endpoint gives the stack.
struct recording_port : sip_port {
  std::vector<sip::registration_request> registers;
  std::vector<std::pair<uint64_t, int>> responses;
  void register_aor(sip::registration_request r) override { registers.push_back(std::move(r)); }
  void unregister(uint64_t) override {}
  void cancel(uint64_t) override {}
  void invite(sip::outgoing_call) override {}
  void answer(uint64_t, std::string) override {}
  void respond(uint64_t id, int status, std::string) override { responses.emplace_back(id, status); }
  void hangup(uint64_t) override {}
  void answer_reinvite(uint64_t, std::string) override {}
  void respond_reinvite(uint64_t, int, std::string) override {}
};

struct fixture : wrtc::test::fixture {
  std::shared_ptr<recording_port> port = std::make_shared<recording_port>();
  std::vector<sip::call_event> received;
  actor endpoint = sys.spawn(sip_endpoint, std::static_pointer_cast<sip_port>(port), nullptr,
                             std::string{"127.0.0.1:5060"});
  actor session;

  fixture() {
    session = sys.spawn([this](event_based_actor* self) -> behavior {
      return {
        [this](sip_call_atom, sip::call_event& ev) { received.push_back(ev); },
        [](sip_event_atom, sip::registration_event&) {},
        [=](start_atom, actor ep) {
          sip::registration_request r{42, "5001", "Tenant.Test", "5001", ""};
          self->send(ep, sip_register_atom::value, r);
        },
      };
    });
    self->send(session, start_atom::value, endpoint);
    dispatch();
  }

  ~fixture() { stop({endpoint, session}); }

  void incoming(uint64_t registration_id, std::string to_uri) {
    sip::call_event ev;
    ev.call_id = sip::incoming_call_id_bit | 1;
    ev.kind = sip::call_event_kind::incoming;
    ev.registration_id = registration_id;
    ev.request_user = "5001";
    ev.to_uri = std::move(to_uri);
    self->send(endpoint, sip_call_atom::value, ev);
    dispatch();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(sip_endpoint_tests, fixture)

CAF_TEST(an invite carrying the registration id reaches that session) {
  CAF_REQUIRE_EQUAL(port->registers.size(), 1u);
  incoming(42, "<sip:someone@elsewhere.test>");
  CAF_CHECK_EQUAL(received.size(), 1u);
  CAF_CHECK(port->responses.empty());
}

CAF_TEST(an invite whose uri lost the parameter is routed by its to header) {
  incoming(0, "\"Agent\" <sip:5001@tenant.test;user=phone>");
  CAF_CHECK_EQUAL(received.size(), 1u);
  CAF_CHECK(port->responses.empty());
}

CAF_TEST(an invite for nobody signed in is refused with 480) {
  incoming(0, "<sip:5002@tenant.test>");
  incoming(7, "<sip:5001@other.test>");
  CAF_CHECK(received.empty());
  CAF_REQUIRE_EQUAL(port->responses.size(), 2u);
  CAF_CHECK_EQUAL(port->responses[0].second, 480);
}

CAF_TEST(later events of a call follow its first invite) {
  incoming(42, "<sip:5001@tenant.test>");
  sip::call_event ended;
  ended.call_id = sip::incoming_call_id_bit | 1;
  ended.kind = sip::call_event_kind::ended;
  self->send(endpoint, sip_call_atom::value, ended);
  dispatch();
  CAF_REQUIRE_EQUAL(received.size(), 2u);
  CAF_CHECK(received[1].kind == sip::call_event_kind::ended);
}

CAF_TEST_FIXTURE_SCOPE_END()
