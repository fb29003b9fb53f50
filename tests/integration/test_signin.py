#!/usr/bin/env python3
"""Agent sign-in against SIPp as the registrar: REGISTER over UDP and TCP, digest, sign-out."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import CONTACT_CENTER, DOMAIN, scenario, wait_until  # noqa: E402

AOR = "sip:5001@%s" % DOMAIN
SIP_PASSWORD = "reg-pass-7"


class SignInAgainstSipp(harness.IntegrationTest):

    def sign_in_and_out(self, transport):
        standin = self.start_standin()
        registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"),
                                    transport=transport)
        gateway = self.start_gateway(standin, registrar.proxy)
        token = harness.new_agent_token()

        status, headers, body = gateway.sign_in(token, "5001")
        self.assertEqual(status, 200, body)
        session = body.get("session")
        self.assertEqual(body, {**body, "dn": "5001", "tenant": CONTACT_CENTER})
        self.assertRandomSessionId(session)
        self.assertSessionCookie(headers, session)

        register = self.wait_register(registrar, AOR)
        self.assertContactIsGateway(register, gateway)
        self.assertGreater(register.expires() if register.expires() is not None else 1, 0)
        self.assertEqual(register.transport, transport.upper(), register.text)
        self.assertIn("SIP/2.0/%s" % transport.upper(), register.header("via").upper())
        self.assertMetric(gateway, "wrtc_current_signins", 1)
        self.assertMetric(gateway, "wrtc_registrations_by_domain", 1, domain=DOMAIN)

        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))

        status, _, body = gateway.sign_out(session, token=token)
        self.assertEqual(status, 204, body)
        unregister = self.wait_register(registrar, AOR, unregister=True)
        self.assertEqual(unregister.transport, transport.upper())
        self.wait_metric(gateway, "wrtc_current_signins", 0)
        self.assertSessionGone(gateway, session, token=token)
        return standin, gateway

    def test_sign_in_registers_over_udp_and_sign_out_unregisters(self):
        standin, gateway = self.sign_in_and_out("udp")
        # GAuth with HTTP Basic client credentials, GWS and userinfo with bearer tokens.
        schemes = standin.stats()["auth_scheme"]
        self.assertEqual(schemes.get("/auth/v3/oauth/token"), "Basic", schemes)
        self.assertEqual(schemes.get("/auth/v3/userinfo"), "Bearer", schemes)
        self.assertEqual(schemes.get("/environment/v3/contact-centers/%s" % CONTACT_CENTER), "Bearer",
                         schemes)
        self.assertTrue(gateway.alive())

    def test_sign_in_registers_over_tcp_and_sign_out_unregisters(self):
        self.sign_in_and_out("tcp")

    def test_each_sign_in_gets_its_own_session_and_registration(self):
        standin = self.start_standin()
        registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        gateway = self.start_gateway(standin, registrar.proxy)
        sessions = {}
        for dn in ("5001", "5002", "5003"):
            token = harness.new_agent_token()
            sessions[dn] = (self.assertSignedIn(gateway.sign_in(token, dn), dn), token)
        self.assertEqual(len({s for s, _ in sessions.values()}), 3)
        for dn in sessions:
            self.wait_register(registrar, "sip:%s@%s" % (dn, DOMAIN))
        self.assertMetric(gateway, "wrtc_current_signins", 3)
        self.assertMetric(gateway, "wrtc_registrations_by_domain", 3, domain=DOMAIN)
        session, token = sessions["5002"]
        self.assertEqual(gateway.sign_out(session, token=token)[0], 204)
        self.wait_register(registrar, "sip:5002@%s" % DOMAIN, unregister=True)
        self.wait_metric(gateway, "wrtc_current_signins", 2)
        for dn in ("5001", "5003"):
            self.assertEqual(
                [m for m in registrar.registers("sip:%s@%s" % (dn, DOMAIN)) if m.is_unregister()], [],
                "only the signed-out DN is un-registered")

    def test_digest_challenge_is_answered_with_the_dn_and_sip_password(self):
        standin = self.start_standin()
        registrar = self.start_sipp(scenario("", "registrar_digest_challenge.xml"),
                                    keys={"user": "5001", "password": SIP_PASSWORD})
        gateway = self.start_gateway(standin, registrar.proxy, env={"WRTC_SIP_PASSWORD": SIP_PASSWORD})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        registers = registrar.registers(AOR)
        authorized = [m for m in registers if m.header("authorization")]
        self.assertTrue(authorized, "no REGISTER answered the challenge: %r" % registers)
        credentials = authorized[0].header("authorization")
        self.assertRegex(credentials, r'(?i)^digest\s.*username="5001"')
        self.assertRegex(credentials, r'(?i)realm="%s"' % DOMAIN)
        self.assertTrue(registrar.responses(200), "the registrar never accepted the credentials")
        self.assertMetric(gateway, "wrtc_current_signins", 1)
        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))
        self.assertEqual(gateway.sign_out(session, token=token)[0], 204)
        self.wait_register(registrar, AOR, unregister=True)
        self.wait_metric(gateway, "wrtc_current_signins", 0)

    def test_digest_with_qop_auth_from_the_shared_registrar(self):
        shared = harness.SIPP_DIR / "registrar_digest.xml"
        if not shared.exists():
            self.skipTest("tests/integration/sipp/registrar_digest.xml is not there")
        standin = self.start_standin()
        registrar = self.start_sipp(shared)  # user 5001, password "pw", qop="auth"
        gateway = self.start_gateway(standin, registrar.proxy, env={"WRTC_SIP_PASSWORD": "pw"})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        authorized = [m for m in registrar.registers(AOR) if m.header("authorization")]
        self.assertTrue(authorized, registrar.registers(AOR))
        self.assertRegex(authorized[0].header("authorization"), r'(?i)qop="?auth"?')
        self.assertEqual(gateway.sign_out(session, token=token)[0], 204)
        self.wait_register(registrar, AOR, unregister=True)
        self.wait_metric(gateway, "wrtc_current_signins", 0)

    def test_sip_password_from_a_secret_file(self):
        standin = self.start_standin()
        registrar = self.start_sipp(scenario("", "registrar_digest_challenge.xml"),
                                    keys={"user": "5001", "password": SIP_PASSWORD})
        password_file = self.workdir / "sip-password"
        password_file.write_text(SIP_PASSWORD + "\n")
        gateway = self.start_gateway(standin, registrar.proxy, env={"WRTC_SIP_PASSWORD": "wrong"},
                                     options={"secrets.sip-password-file": password_file})
        self.assertSignedIn(gateway.sign_in(harness.new_agent_token(), "5001"), "5001")
        self.assertTrue(registrar.responses(200), "the password from the file was not used")

    def test_wrong_sip_password_fails_the_sign_in_with_502(self):
        standin = self.start_standin()
        registrar = self.start_sipp(scenario("", "registrar_digest_challenge.xml"),
                                    keys={"user": "5001", "password": SIP_PASSWORD})
        gateway = self.start_gateway(standin, registrar.proxy, env={"WRTC_SIP_PASSWORD": "wrong"})
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        self.assertError(answer, 502, "registration_failed", "sign-in with a wrong SIP password")
        self.assertMetric(gateway, "wrtc_failed_registrations_by_domain", 1, domain=DOMAIN)
        self.assertMetric(gateway, "wrtc_current_signins", 0)


class RegistrationLifecycle(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))

    def test_registration_is_refreshed_before_it_expires(self):
        gateway = self.start_gateway(self.standin, self.registrar.proxy,
                                     options={"sip.register-expires": "30s"})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        poller = self.start_poller(gateway, session, token=token)
        first = self.wait_register(self.registrar, AOR)
        self.assertLessEqual(first.expires(), 30, first.text)
        registers = wait_until(lambda: len(self.registrar.registers(AOR)) >= 2 and
                               self.registrar.registers(AOR), 40, "a refreshing REGISTER")
        refresh = registers[1]
        self.assertFalse(refresh.is_unregister(), refresh.text)
        self.assertEqual(refresh.header("call-id"), first.header("call-id"),
                         "a refresh keeps the registration's Call-ID")
        self.assertGreater(int(refresh.header("cseq").split()[0]), int(first.header("cseq").split()[0]))
        self.assertContactIsGateway(refresh, gateway)
        self.assertEqual(poller.failures, [])
        self.assertNotIn("session.ended", [e["type"] for e in poller.events])
        self.assertMetric(gateway, "wrtc_current_signins", 1)

    def test_stopping_the_gateway_unregisters_every_agent(self):
        gateway = self.start_gateway(self.standin, self.registrar.proxy,
                                     options={"session.poll-grace-period": "60s"})
        dns = ["5001", "5002", "5003"]
        for dn in dns:
            self.assertSignedIn(gateway.sign_in(harness.new_agent_token(), dn), dn)
        self.assertEqual(gateway.stop(), 0, "the gateway did not exit cleanly on SIGTERM")
        unregistered = {r.aor() for r in self.registrar.registers() if r.is_unregister()}
        self.assertEqual(unregistered, {"sip:%s@%s" % (dn, DOMAIN) for dn in dns})


if __name__ == "__main__":
    harness.main()
