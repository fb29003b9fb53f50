// Unit suite of the call leg actor: what it tells SIP and its session when a call cannot proceed.
#define CAF_SUITE actors.call_leg

#include "tests/unit/test_config.hpp"

#include "actors/call_leg.hpp"

using namespace caf;
using namespace wrtc;

namespace {

constexpr const char* g711_offer =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
  "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

constexpr const char* g729_offer =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
  "m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";

struct fixture : wrtc::test::fixture {
  metrics::gateway_metrics metrics;
  std::vector<std::pair<int, std::string>> responses;
  std::vector<uint64_t> hangups;
  std::vector<std::string> notices;
  actor sip;
  actor session;

  fixture() {
    sip = sys.spawn([this](event_based_actor*) -> behavior {
      return {
        [this](sip_respond_atom, uint64_t, int status, std::string& phrase) {
          responses.emplace_back(status, phrase);
        },
        [this](sip_hangup_atom, uint64_t id) { hangups.push_back(id); },
        [](sip_invite_atom, sip::outgoing_call&) {},
      };
    });
    session = sys.spawn([this](event_based_actor*) -> behavior {
      return {[this](call_notice_atom, std::string& type, std::string&) {
        notices.push_back(type);
      }};
    });
  }

  ~fixture() { stop({sip, session}); }

  actor inbound(const char* offer) {
    call_leg_params p;
    p.call_id = sip::incoming_call_id_bit | 7;
    p.direction = call_direction::inbound;
    p.session_id = "s1";
    p.dn = "5001";
    p.tenant = "cc-1";
    p.domain = "tenant.test";
    p.invite.call_id = p.call_id;
    p.invite.kind = sip::call_event_kind::incoming;
    p.invite.sdp = offer;
    p.invite.from_uri = "sip:customer@example.test";
    // No media engine: allocation fails like an exhausted port range would.
    return sys.spawn(call_leg, p, session, sip, std::shared_ptr<media::media_engine>{}, &metrics);
  }

  void sip_ended(const actor& leg, int status, const char* reason) {
    sip::call_event ev;
    ev.call_id = sip::incoming_call_id_bit | 7;
    ev.kind = sip::call_event_kind::ended;
    ev.status = status;
    ev.reason = reason;
    self->send(leg, sip_call_atom::value, ev);
    dispatch();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(call_leg_tests, fixture)

CAF_TEST(an inbound offer without G.711 is refused with 488 and never reaches the agent) {
  auto leg = inbound(g729_offer);
  dispatch();
  CAF_REQUIRE_EQUAL(responses.size(), 1u);
  CAF_CHECK_EQUAL(responses[0].first, 488);
  sip_ended(leg, 488, "local_reject");
  CAF_CHECK(notices.empty());
  CAF_CHECK_EQUAL(metrics.in_calls.total->Value(), 0.0);
}

CAF_TEST(an inbound call whose media cannot be allocated is refused with 480) {
  auto leg = inbound(g711_offer);
  dispatch();
  CAF_REQUIRE_EQUAL(responses.size(), 1u);
  CAF_CHECK_EQUAL(responses[0].first, 480);
  sip_ended(leg, 480, "local_reject");
  CAF_CHECK(notices.empty());
  CAF_CHECK_EQUAL(metrics.in_calls.current->Value(), 0.0);
}

CAF_TEST(the api id of a call is sixteen hex digits and parses back) {
  CAF_CHECK_EQUAL(call_api_id(0x00ab), "00000000000000ab");
  CAF_CHECK_EQUAL(parse_call_api_id("00000000000000ab"), 0xabu);
  CAF_CHECK_EQUAL(parse_call_api_id("00000000000000AB"), 0u);
  CAF_CHECK_EQUAL(parse_call_api_id("ab"), 0u);
  CAF_CHECK_EQUAL(parse_call_api_id("../../../../etc/"), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
