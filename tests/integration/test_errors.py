#!/usr/bin/env python3
"""Every client error of the signalling API: 400, 401, 404, 409 and 413, with their metrics."""

import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, scenario  # noqa: E402


class ClientErrors(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        self.gateway = self.start_gateway(self.standin, self.registrar.proxy)
        self.token = harness.new_agent_token()

    def post_sign_in(self, body, token=None, headers=None):
        return self.gateway.request("POST", "/v1/sign-in", body, token=token or self.token,
                                    headers=headers)

    def test_400_for_malformed_json_missing_dn_and_dn_not_a_string(self):
        for what, body in [("malformed JSON", '{"dn": "5001"'),
                           ("not JSON at all", "dn=5001"),
                           ("empty body", ""),
                           ("missing dn", {}),
                           ("dn is a number", {"dn": 5001}),
                           ("dn is null", {"dn": None}),
                           ("dn is a list", {"dn": ["5001"]}),
                           ("body is a list", ["5001"])]:
            self.assertError(self.post_sign_in(body), 400, "bad_request", what)
        self.assertEqual(self.registrar.registers(), [], "no REGISTER for a bad request")
        self.assertMetric(self.gateway, "wrtc_current_signins", 0)

    def test_401_for_missing_header_wrong_scheme_and_unknown_token(self):
        cases = [("no Authorization header", {}),
                 ("Basic scheme", {"Authorization": "Basic d3J0YzpzM2NyZXQ="}),
                 ("empty bearer", {"Authorization": "Bearer "}),
                 ("unknown token", {"Authorization": "Bearer not-a-known-token"})]
        for count, (what, headers) in enumerate(cases, 1):
            answer = self.gateway.request("POST", "/v1/sign-in", {"dn": "5001"}, headers=headers)
            self.assertError(answer, 401, "unauthorized", what)
            self.assertMetric(self.gateway, "wrtc_unauthorized_access", count)
        self.assertEqual(self.registrar.registers(), [])

    def test_401_for_a_revoked_token(self):
        self.standin.tokens(revoke=[self.token])
        self.assertError(self.post_sign_in({"dn": "5001"}), 401, "unauthorized", "revoked token")
        self.assertMetric(self.gateway, "wrtc_unauthorized_access", 1)

    def test_404_for_unknown_session_and_unknown_route(self):
        session = self.assertSignedIn(self.post_sign_in({"dn": "5001"}), "5001")
        unknown = secrets.token_hex(16)
        self.assertNotEqual(unknown, session)
        cases = [("events of an unknown session", "GET", "/v1/sessions/%s/events?after=0&timeout=1"
                  % unknown),
                 ("delete of an unknown session", "DELETE", "/v1/sessions/%s" % unknown),
                 ("unknown route", "GET", "/v1/nothing-here"),
                 ("unknown version", "POST", "/v2/sign-in"),
                 ("root", "GET", "/")]
        for count, (what, method, path) in enumerate(cases, 1):
            answer = self.gateway.request(method, path, token=self.token)
            self.assertError(answer, 404, "not_found", what)
            self.assertMetric(self.gateway, "wrtc_unknown_request", count)

    def test_409_when_the_dn_is_already_signed_in(self):
        first = self.assertSignedIn(self.post_sign_in({"dn": "5001"}), "5001")
        other_agent = harness.new_agent_token()
        answer = self.post_sign_in({"dn": "5001"}, token=other_agent)
        self.assertError(answer, 409, "dn_in_use", "second sign-in of the DN")
        self.assertMetric(self.gateway, "wrtc_double_signin", 1)
        self.assertMetric(self.gateway, "wrtc_client_errors", 1, type="double_sign_in_reject")
        self.assertMetric(self.gateway, "wrtc_current_signins", 1)
        # The first session is untouched and the DN was registered once.
        self.assertRegisteredEvent(self.first_events(self.gateway, first, token=self.token))
        self.assertEqual(len([r for r in self.registrar.registers("sip:5001@%s" % DOMAIN)
                              if not r.is_unregister()]), 1)
        # After sign-out the DN is free again.
        self.assertEqual(self.gateway.sign_out(first, token=self.token)[0], 204)
        self.wait_metric(self.gateway, "wrtc_current_signins", 0)
        self.assertSignedIn(self.post_sign_in({"dn": "5001"}, token=other_agent), "5001")

    def test_413_for_a_body_over_64_kib(self):
        body = '{"dn":"5001","pad":"%s"}' % ("x" * (70 * 1024))
        payload = ("POST /v1/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                   % (self.token, len(body), body)).encode()
        answer = harness.raw_exchange(self.gateway.http_port, payload)
        self.assertEqual(answer.status, 413, answer)
        error = answer.json()
        self.assertEqual(error["error"]["code"], "body_too_large", answer)
        self.assertEqual(self.registrar.registers(), [])
        # Just under the limit is not refused for its size.
        body = '{"dn":"5001","pad":"%s"}' % ("x" * (60 * 1024))
        status, _, answer = self.post_sign_in(body)
        self.assertEqual(status, 200, answer)

    def test_dn_characters_that_sip_needs_escaped_are_escaped_or_refused(self):
        # '#' is not allowed unescaped in the user part of a SIP URI (RFC 3261 25.1).
        for dn in ("#12", "12#"):
            answer = self.post_sign_in({"dn": dn}, token=harness.new_agent_token())
            escaped = "sip:%s@%s" % (dn.replace("#", "%23"), DOMAIN)
            if answer[0] == 200:
                self.assertTrue(self.registrar.registers(escaped),
                                "DN %r signed in but no REGISTER for %s: %r"
                                % (dn, escaped, [m.aor() for m in self.registrar.registers()]))
            else:
                self.assertError(answer, 400, "bad_request", "DN %r the gateway cannot register" % dn)
        # Whatever the gateway does, it must not blame the registrar for its own refusal.
        self.assertIn(self.gateway.metric("wrtc_failed_registrations_by_domain", domain=DOMAIN),
                      (None, 0))

    def test_503_capacity_exceeded_past_max_clients(self):
        gateway = self.start_gateway(self.standin, self.registrar.proxy,
                                     options={"gateway.max-clients": 2}, name="gateway2")
        self.assertMetric(gateway, "wrtc_max_clients_per_instance", 2)
        tokens = [harness.new_agent_token() for _ in range(3)]
        first = self.assertSignedIn(gateway.sign_in(tokens[0], "7001"), "7001")
        self.assertSignedIn(gateway.sign_in(tokens[1], "7002"), "7002")
        self.assertError(gateway.sign_in(tokens[2], "7003"), 503, "capacity_exceeded", "third agent")
        self.assertEqual(self.registrar.registers("sip:7003@%s" % DOMAIN), [])
        self.assertMetric(gateway, "wrtc_current_signins", 2)
        self.assertEqual(gateway.sign_out(first, token=tokens[0])[0], 204)
        self.wait_metric(gateway, "wrtc_current_signins", 1)
        self.assertSignedIn(gateway.sign_in(tokens[2], "7003"), "7003")

    def test_unknown_contact_center_is_refused_without_registering(self):
        self.standin.tokens(agents={"tok-lost": {"user_name": "lost", "contact_center_id": "cc-none"}})
        status, _, body = self.post_sign_in({"dn": "5001"}, token="tok-lost")
        self.assertIn(status, (401, 403), body)
        self.assertEqual(self.registrar.registers(), [])
        self.assertMetric(self.gateway, "wrtc_current_signins", 0)


if __name__ == "__main__":
    harness.main()
