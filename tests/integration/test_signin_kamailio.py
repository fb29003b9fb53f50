#!/usr/bin/env python3
"""Agent sign-in against Kamailio as the voice registrar (usrloc read with kamcmd ul.dump)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, LOOPBACK, wait_until  # noqa: E402

AOR = "5001@%s" % DOMAIN
SIP_PASSWORD = "kam-pass-3"


class SignInAgainstKamailio(harness.IntegrationTest):

    def sign_in_and_out(self, transport, defines=(), env=None):
        standin = self.start_standin()
        kamailio = self.start_kamailio(defines=defines)
        gateway = self.start_gateway(standin, kamailio.proxy(transport), env=env)
        self.assertEqual(kamailio.contacts(AOR), [])
        token = harness.new_agent_token()

        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        contacts = wait_until(lambda: kamailio.contacts(AOR), 10, "the contact in Kamailio's usrloc")
        self.assertEqual(len(contacts), 1, contacts)
        self.assertRegex(contacts[0], r"^sips?:(?:[^@]+@)?%s:%d\b" % (LOOPBACK, gateway.sip_port))
        if transport == "tcp":
            self.assertIn("tcp:%s:%d" % (LOOPBACK, kamailio.port), kamailio.ul_dump())
        self.assertMetric(gateway, "wrtc_current_signins", 1)
        self.assertMetric(gateway, "wrtc_registrations_by_domain", 1, domain=DOMAIN)
        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))

        self.assertEqual(gateway.sign_out(session, token=token)[0], 204)
        wait_until(lambda: kamailio.contacts(AOR) == [], 10,
                   lambda: "the contact to leave usrloc: %s" % kamailio.ul_dump())
        self.wait_metric(gateway, "wrtc_current_signins", 0)
        self.assertSessionGone(gateway, session, token=token)

    def test_udp_registration_appears_in_usrloc_and_leaves_on_sign_out(self):
        self.sign_in_and_out("udp")

    def test_tcp_registration_appears_in_usrloc_and_leaves_on_sign_out(self):
        self.sign_in_and_out("tcp")

    def test_digest_registration_with_kamailio(self):
        self.sign_in_and_out("udp", defines=["WITH_DIGEST", 'SIP_PASSWORD="%s"' % SIP_PASSWORD],
                             env={"WRTC_SIP_PASSWORD": SIP_PASSWORD})


if __name__ == "__main__":
    harness.main()
