#!/usr/bin/env python3
"""GAuth and GWS failures: 503 service_unavailable, wrtc_system_error, recovery without a restart,
wrong answers (500, garbage, slow, invalid token), service token renewal and secret files."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, http, scenario, wait_until  # noqa: E402

TOKEN_PATH = "/auth/v3/oauth/token"
RECOVERY = 40  # seconds a gateway may take to notice that a service is back


class DependencyFailures(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))

    def gateway(self, **kw):
        return self.start_gateway(self.standin, self.registrar.proxy, **kw)

    def fresh_tenant(self, cc, domain):
        """An agent token of a contact center the gateway cannot have cached."""
        token = "tok-%s" % cc
        self.standin.tokens(agents={token: {"user_name": "user-" + cc, "contact_center_id": cc}},
                            contact_centers={cc: {"domain": domain}})
        return token

    def wait_sign_in(self, gateway, token, dn):
        """Signs in again and again until it works (a service came back); returns the session."""
        answers = []

        def attempt():
            answer = gateway.sign_in(token, dn)
            answers.append(answer[0])
            return answer[2]["session"] if answer[0] == 200 else None
        return wait_until(attempt, RECOVERY, lambda: "sign-in to work again (statuses %s)" % answers,
                          interval=0.5)

    # -- down and up -------------------------------------------------------------------

    def test_gauth_down_gives_503_and_sign_in_works_again_when_it_is_back(self):
        gateway = self.gateway()
        self.assertMetric(gateway, "wrtc_system_error", 1, type="auth")
        self.standin.mode("auth", "down")
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        self.assertError(answer, 503, "service_unavailable", "sign-in with GAuth down")
        self.wait_metric(gateway, "wrtc_system_error", 0, type="auth")
        self.assertGreater(gateway.metric("wrtc_system_error", type="gauth_errors") or 0, 0)
        self.assertEqual(self.registrar.registers(), [])
        self.assertMetric(gateway, "wrtc_current_signins", 0)

        self.standin.mode("auth", "up")
        token = harness.new_agent_token()
        session = self.wait_sign_in(gateway, token, "5001")
        self.wait_metric(gateway, "wrtc_system_error", 1, type="auth")
        self.assertMetric(gateway, "wrtc_current_signins", 1)
        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))

    def test_gws_env_down_gives_503_and_sign_in_works_again_when_it_is_back(self):
        gateway = self.gateway()
        token = self.fresh_tenant("cc-2", "two.test")
        self.assertMetric(gateway, "wrtc_system_error", 1, type="env")
        self.standin.mode("env", "down")
        answer = gateway.sign_in(token, "5001")
        self.assertError(answer, 503, "service_unavailable", "sign-in with GWS down")
        self.wait_metric(gateway, "wrtc_system_error", 0, type="env")
        self.assertGreater(gateway.metric("wrtc_system_error", type="env_errors") or 0, 0)
        self.assertEqual(self.registrar.registers(), [])

        self.standin.mode("env", "up")
        session = self.wait_sign_in(gateway, token, "5001")
        self.wait_metric(gateway, "wrtc_system_error", 1, type="env")
        self.assertMetric(gateway, "wrtc_current_signins", 1)
        self.assertMetric(gateway, "wrtc_registrations_by_domain", 1, domain="two.test")
        self.assertTrue(self.registrar.registers("sip:5001@two.test"), self.registrar.registers())
        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))

    def test_configuration_service_down_and_back_is_reported(self):
        gateway = self.gateway(options={"gws.cfg-check-interval": "1s"})
        self.wait_metric(gateway, "wrtc_system_error", 1, type="cfg")
        wait_until(lambda: self.standin.requests_to("/configuration/v3/ping") > 0, 10,
                   "the gateway to check the configuration service")
        self.standin.mode("cfg", "error500")
        self.wait_metric(gateway, "wrtc_system_error", 0, type="cfg", timeout=RECOVERY)
        self.assertGreater(gateway.metric("wrtc_system_error", type="cfg_errors") or 0, 0)
        self.standin.mode("cfg", "up")
        self.wait_metric(gateway, "wrtc_system_error", 1, type="cfg", timeout=RECOVERY)

    # -- wrong answers -----------------------------------------------------------------

    def wrong_auth_answer_gives(self, mode, status, code, delay=0):
        gateway = self.gateway()
        self.standin.mode("auth", mode, delay=delay)
        started = time.monotonic()
        answer = gateway.sign_in(harness.new_agent_token(), "5001", timeout=90)
        elapsed = time.monotonic() - started
        self.assertError(answer, status, code, "sign-in with GAuth in mode %s" % mode)
        self.assertEqual(self.registrar.registers(), [])
        self.assertMetric(gateway, "wrtc_current_signins", 0)
        self.standin.mode("auth", "up")
        self.wait_sign_in(gateway, harness.new_agent_token(), "5001")
        self.assertTrue(gateway.alive())
        return elapsed

    def test_gauth_answering_500_gives_503(self):
        self.wrong_auth_answer_gives("error500", 503, "service_unavailable")

    def test_gauth_answering_garbage_gives_503(self):
        self.wrong_auth_answer_gives("garbage", 503, "service_unavailable")

    def test_gauth_too_slow_gives_503_without_waiting_for_it(self):
        elapsed = self.wrong_auth_answer_gives("slow", 503, "service_unavailable", delay=60)
        self.assertLess(elapsed, 45, "the gateway waited %.1f s for a slow GAuth" % elapsed)

    def test_gauth_rejecting_the_agent_token_gives_401(self):
        gateway = self.gateway()
        self.standin.mode("auth", "invalid_token")
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        self.assertError(answer, 401, "unauthorized", "GAuth says the token is invalid")
        self.assertMetric(gateway, "wrtc_unauthorized_access", 1)
        # A rejected token is not GAuth being down.
        self.assertMetric(gateway, "wrtc_system_error", 1, type="auth")

    def test_gws_answering_500_or_garbage_gives_503(self):
        gateway = self.gateway()
        for number, mode in enumerate(("error500", "garbage"), 2):
            token = self.fresh_tenant("cc-%d" % number, "d%d.test" % number)
            self.standin.mode("env", mode)
            answer = gateway.sign_in(token, "500%d" % number)
            self.assertError(answer, 503, "service_unavailable", "GWS in mode %s" % mode)
            self.standin.mode("env", "up")
            self.wait_sign_in(gateway, token, "500%d" % number)
        self.assertMetric(gateway, "wrtc_current_signins", 2)

    def test_one_agent_record_without_contact_center_does_not_take_gauth_down(self):
        gateway = self.gateway()
        self.standin.tokens(agents={"tok-no-cc": {"user_name": "nocc", "contact_center_id": None}})
        status, _, body = gateway.sign_in("tok-no-cc", "5001")
        self.assertNotEqual(status, 200, body)
        self.assertEqual(self.registrar.registers(), [])
        # GAuth answered, correctly, for a record that is unusable: it is not down for everyone.
        token = harness.new_agent_token()
        self.assertSignedIn(gateway.sign_in(token, "5002"), "5002",
                            "the next agent, right after an unusable userinfo record")
        self.assertMetric(gateway, "wrtc_system_error", 1, type="auth")

    # -- credentials -------------------------------------------------------------------

    def test_expired_and_revoked_service_tokens_are_renewed(self):
        self.standin.settings(expires_in=2)
        gateway = self.gateway(options={"session.poll-grace-period": "60s"})
        self.assertSignedIn(gateway.sign_in(self.fresh_tenant("cc-2", "two.test"), "5002"), "5002")
        issued = self.standin.service_tokens()
        self.assertTrue(issued, "no service token was issued")

        def all_expired():
            return all(http("GET", self.standin.env_url + "/environment/v3/contact-centers/cc-1",
                            headers={"Authorization": "Bearer " + t})[0] == 401 for t in issued)
        wait_until(all_expired, 10, "the service tokens to expire")
        self.assertSignedIn(gateway.sign_in(self.fresh_tenant("cc-3", "three.test"), "5003"), "5003")
        self.assertGreater(len(self.standin.service_tokens()), len(issued))

        self.standin.settings(expires_in=3600)
        self.standin.tokens(revoke_service_tokens=True)
        self.assertSignedIn(gateway.sign_in(self.fresh_tenant("cc-4", "four.test"), "5004"), "5004")
        self.assertMetric(gateway, "wrtc_current_signins", 3)
        self.assertEqual(self.standin.stats()["auth_scheme"].get(TOKEN_PATH), "Basic")

    def test_wrong_gws_client_secret_gives_503(self):
        gateway = self.gateway(gws_secret="not-the-secret")
        answer = gateway.sign_in(harness.new_agent_token(), "5001")
        self.assertError(answer, 503, "service_unavailable", "gateway with a wrong client secret")
        self.assertIn("401", self.standin.stats()["status"].get(TOKEN_PATH, {}))
        self.assertEqual(self.registrar.registers(), [])

    def test_gws_credentials_from_secret_files(self):
        client_file = self.workdir / "gws-client"
        secret_file = self.workdir / "gws-secret"
        client_file.write_text("wrtc\n")
        secret_file.write_text("s3cret\n")
        gateway = self.gateway(gws_client=None, gws_secret=False, options={
            "secrets.gws-client-file": client_file, "secrets.gws-secret-file": secret_file})
        self.assertSignedIn(gateway.sign_in(harness.new_agent_token(), "5001"), "5001")
        self.assertTrue(self.registrar.registers("sip:5001@%s" % DOMAIN))


if __name__ == "__main__":
    harness.main()
