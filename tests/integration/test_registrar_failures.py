#!/usr/bin/env python3
"""502 registration_failed: a registrar that refuses, and one that never answers."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, scenario, wait_until  # noqa: E402


class RegistrarFailures(harness.IntegrationTest):

    def test_502_when_the_registrar_answers_403(self):
        standin = self.start_standin()
        registrar = self.start_sipp(scenario("registrar_403.xml", "registrar_forbidden.xml"))
        gateway = self.start_gateway(standin, registrar.proxy)
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        self.assertError(answer, 502, "registration_failed", "registrar refused")
        self.assertTrue(registrar.registers("sip:5001@%s" % DOMAIN), "the REGISTER never arrived")
        self.assertMetric(gateway, "wrtc_failed_registrations_by_domain", 1, domain=DOMAIN)
        self.assertMetric(gateway, "wrtc_current_signins", 0)
        # The DN is not held by the failed attempt: it fails again for the registrar, not as 409.
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        self.assertError(answer, 502, "registration_failed", "second attempt")
        self.assertMetric(gateway, "wrtc_failed_registrations_by_domain", 2, domain=DOMAIN)
        self.assertMetric(gateway, "wrtc_double_signin", 0)

    def test_502_after_the_register_timeout_when_the_registrar_never_answers(self):
        standin = self.start_standin()
        registrar = self.start_silent_registrar()
        gateway = self.start_gateway(standin, registrar.proxy,
                                     options={"sip.register-timeout": "3s"})
        started = time.monotonic()
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        elapsed = time.monotonic() - started
        self.assertError(answer, 502, "registration_failed", "registrar silent")
        self.assertLess(elapsed, 12, "sign-in took %.1f s with --sip.register-timeout=3s" % elapsed)
        self.assertGreater(elapsed, 2, "gave up after %.1f s, before the 3 s register timeout" % elapsed)
        self.assertTrue(registrar.registers(), "the REGISTER never reached the registrar")
        self.assertMetric(gateway, "wrtc_failed_registrations_by_domain", 1, domain=DOMAIN)
        self.assertMetric(gateway, "wrtc_current_signins", 0)
        self.assertTrue(gateway.alive())

    def test_registration_refused_at_refresh_ends_the_session(self):
        shared = harness.SIPP_DIR / "registrar_refresh_403.xml"
        if not shared.exists():
            self.skipTest("tests/integration/sipp/registrar_refresh_403.xml is not there")
        standin = self.start_standin()
        registrar = self.start_sipp(shared)
        gateway = self.start_gateway(standin, registrar.proxy,
                                     options={"session.poll-grace-period": "60s"})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        poller = self.start_poller(gateway, session, token=token)
        wait_until(lambda: "session.ended" in [e["type"] for e in poller.events], 20,
                   lambda: "session.ended after the refresh was refused (events %r, failures %r)"
                   % (poller.events, poller.failures))
        ended = [e for e in poller.events if e["type"] == "session.ended"][0]
        self.assertIn("reason", ended)
        self.assertTrue(registrar.responses(403), "the refresh was never refused")
        self.wait_metric(gateway, "wrtc_current_signins", 0)
        # The DN is free again.
        self.assertSignedIn(gateway.sign_in(harness.new_agent_token(), "5001"), "5001")

    def test_registrar_that_comes_back_is_used_without_a_restart(self):
        standin = self.start_standin()
        port = harness.free_port(udp=True)
        refusing = self.start_sipp(scenario("registrar_403.xml", "registrar_forbidden.xml"),
                                   port=port, name="sipp403")
        gateway = self.start_gateway(standin, refusing.proxy)
        self.assertError(gateway.sign_in(harness.new_agent_token(), "5001"), 502,
                         "registration_failed")
        refusing.stop()
        wait_until(lambda: not harness.port_taken(port, udp=True), 10, "the old registrar to go")
        accepting = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"),
                                    port=port, name="sipp200")
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        self.assertTrue(accepting.registers("sip:5001@%s" % DOMAIN))
        self.assertMetric(gateway, "wrtc_current_signins", 1)
        self.assertMetric(gateway, "wrtc_registrations_by_domain", 1, domain=DOMAIN)
        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))


if __name__ == "__main__":
    harness.main()
