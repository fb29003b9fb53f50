#!/usr/bin/env python3
"""Sign-ins that race: one DN claimed by many at once, many agents at once, and a DN signed in
again right after its sign-out."""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, scenario, wait_until  # noqa: E402


class ConcurrentSignIns(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        self.gateway = self.start_gateway(self.standin, self.registrar.proxy,
                                          options={"session.poll-grace-period": "60s"})

    def test_one_dn_claimed_by_ten_agents_at_once_is_given_to_exactly_one(self):
        barrier = threading.Barrier(10)

        def claim(_):
            token = harness.new_agent_token()
            barrier.wait(10)
            return self.gateway.sign_in(token, "5001", timeout=30)
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(claim, range(10)))
        statuses = sorted(a[0] for a in answers)
        self.assertEqual(statuses, [200] + [409] * 9, [(a[0], a[2]) for a in answers])
        for answer in answers:
            if answer[0] == 409:
                self.assertError(answer, 409, "dn_in_use")
        self.assertMetric(self.gateway, "wrtc_current_signins", 1)
        self.assertMetric(self.gateway, "wrtc_double_signin", 9)
        self.assertMetric(self.gateway, "wrtc_client_errors", 9, type="double_sign_in_reject")
        registers = [r for r in self.registrar.registers("sip:5001@%s" % DOMAIN) if not r.is_unregister()]
        self.assertEqual(len({r.header("call-id") for r in registers}), 1, "one registration")

    def test_fifty_agents_sign_in_and_out_in_parallel(self):
        agents = [("60%02d" % i, harness.new_agent_token()) for i in range(50)]

        def sign_in(agent):
            dn, token = agent
            return dn, token, self.gateway.sign_in(token, dn, timeout=60)
        with ThreadPoolExecutor(25) as pool:
            results = list(pool.map(sign_in, agents))
        failed = [(dn, a[0], a[2]) for dn, _, a in results if a[0] != 200]
        self.assertEqual(failed, [])
        sessions = {dn: (a[2]["session"], token) for dn, token, a in results}
        self.assertEqual(len({s for s, _ in sessions.values()}), 50, "session ids must be unique")
        self.assertMetric(self.gateway, "wrtc_current_signins", 50)
        self.assertMetric(self.gateway, "wrtc_registrations_by_domain", 50, domain=DOMAIN)
        registered = {r.aor() for r in self.registrar.registers() if not r.is_unregister()}
        self.assertEqual(registered, {"sip:%s@%s" % (dn, DOMAIN) for dn, _ in agents})

        def sign_out(item):
            session, token = item
            return self.gateway.sign_out(session, token=token)[0]
        with ThreadPoolExecutor(25) as pool:
            self.assertEqual(set(pool.map(sign_out, sessions.values())), {204})
        wait_until(lambda: {r.aor() for r in self.registrar.registers() if r.is_unregister()} ==
                   registered, 20, "an un-REGISTER for every DN")
        self.wait_metric(self.gateway, "wrtc_current_signins", 0)

    def test_a_dn_can_be_signed_in_again_right_after_its_sign_out(self):
        token = harness.new_agent_token()
        for round_number in range(5):
            answer = self.gateway.sign_in(token, "5001")
            session = self.assertSignedIn(answer, "5001", "sign-in round %d" % round_number)
            self.assertRegisteredEvent(self.first_events(self.gateway, session, token=token))
            self.assertEqual(self.gateway.sign_out(session, token=token)[0], 204)
        self.wait_metric(self.gateway, "wrtc_current_signins", 0)
        self.assertMetric(self.gateway, "wrtc_registrations_by_domain", 5, domain=DOMAIN)
        wait_until(lambda: len([r for r in self.registrar.registers("sip:5001@%s" % DOMAIN)
                                if r.is_unregister()]) == 5, 10, "five un-REGISTERs")
        last = self.registrar.registers("sip:5001@%s" % DOMAIN)[-1]
        self.assertTrue(last.is_unregister(), "the DN must end un-registered: %s" % last.text)

    def test_the_same_agent_signing_in_the_same_dn_twice_gets_409(self):
        token = harness.new_agent_token()
        self.assertSignedIn(self.gateway.sign_in(token, "5001"), "5001")
        self.assertError(self.gateway.sign_in(token, "5001"), 409, "dn_in_use", "same agent again")
        self.assertMetric(self.gateway, "wrtc_double_signin", 1)
        self.assertMetric(self.gateway, "wrtc_current_signins", 1)


if __name__ == "__main__":
    harness.main()
