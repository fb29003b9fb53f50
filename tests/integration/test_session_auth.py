#!/usr/bin/env python3
"""Who may touch a session (cookie or the agent's bearer token), and CORS for the agent desktop."""

import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import ALLOWED_ORIGIN, DOMAIN, SESSION_COOKIE, scenario  # noqa: E402


class SessionAccess(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        self.gateway = self.start_gateway(self.standin, self.registrar.proxy,
                                          options={"session.poll-grace-period": "30s"})
        self.alice, self.bob = harness.new_agent_token(), harness.new_agent_token()
        self.alice_session = self.assertSignedIn(self.gateway.sign_in(self.alice, "5001"), "5001")
        self.bob_session = self.assertSignedIn(self.gateway.sign_in(self.bob, "5002"), "5002")

    def events_path(self, session):
        return "/v1/sessions/%s/events?after=0&timeout=1" % session

    def test_no_cookie_and_no_bearer_is_401(self):
        for method, path in (("GET", self.events_path(self.alice_session)),
                             ("DELETE", "/v1/sessions/%s" % self.alice_session)):
            self.assertError(self.gateway.request(method, path), 401, "unauthorized", method)
        self.assertMetric(self.gateway, "wrtc_unauthorized_access", 2)
        self.assertEqual([r for r in self.registrar.registers() if r.is_unregister()], [])

    def test_the_session_cookie_alone_is_enough(self):
        events = self.first_events(self.gateway, self.alice_session, cookie=self.alice_session)
        self.assertRegisteredEvent(events)
        # Cookies as browsers send them: several, ours among them.
        status, _, body = self.gateway.request(
            "GET", self.events_path(self.alice_session),
            headers={"Cookie": "theme=dark; %s=%s; other=1" % (SESSION_COOKIE, self.alice_session)})
        self.assertEqual(status, 200, body)
        status, _, body = self.gateway.sign_out(self.alice_session, cookie=self.alice_session)
        self.assertEqual(status, 204, body)
        self.wait_register(self.registrar, "sip:5001@%s" % DOMAIN, unregister=True)

    def test_the_agent_bearer_token_alone_is_enough(self):
        self.assertRegisteredEvent(self.first_events(self.gateway, self.alice_session, token=self.alice))
        self.assertEqual(self.gateway.sign_out(self.alice_session, token=self.alice)[0], 204)
        self.wait_register(self.registrar, "sip:5001@%s" % DOMAIN, unregister=True)

    def test_another_agents_session_is_refused(self):
        for what, kw in (("bob's token", {"token": self.bob}),
                         ("bob's cookie", {"cookie": self.bob_session}),
                         ("an unknown token", {"token": "agent-mallory"}),
                         ("a made-up cookie", {"cookie": secrets.token_hex(16)})):
            status, _, body = self.gateway.events(self.alice_session, after=0, timeout=1, **kw)
            self.assertIn(status, (401, 404), "events of alice's session with %s: %r" % (what, body))
            status, _, body = self.gateway.sign_out(self.alice_session, **kw)
            self.assertIn(status, (401, 404), "sign-out of alice's session with %s: %r" % (what, body))
        # Alice is untouched.
        self.assertEqual([r for r in self.registrar.registers("sip:5001@%s" % DOMAIN)
                          if r.is_unregister()], [])
        self.assertRegisteredEvent(self.first_events(self.gateway, self.alice_session, token=self.alice))
        self.assertMetric(self.gateway, "wrtc_current_signins", 2)


class Cors(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        self.gateway = self.start_gateway(self.standin, self.registrar.proxy)

    def preflight(self, origin, path="/v1/sign-in", method="POST"):
        return self.gateway.request("OPTIONS", path, headers={
            "Origin": origin, "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type"})

    def test_preflight_from_the_allowed_origin(self):
        for path, method in (("/v1/sign-in", "POST"), ("/v1/sessions/x/events", "GET"),
                             ("/v1/sessions/x", "DELETE")):
            status, headers, body = self.preflight(ALLOWED_ORIGIN, path, method)
            self.assertEqual(status, 204, body)
            self.assertEqual(headers.get("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
            self.assertEqual(headers.get("Access-Control-Allow-Credentials"), "true")
            methods = [m.strip().upper() for m in headers.get("Access-Control-Allow-Methods", "").split(",")]
            self.assertIn(method, methods, headers)
            allowed = [h.strip().lower() for h in headers.get("Access-Control-Allow-Headers", "").split(",")]
            self.assertIn("authorization", allowed, headers)
            self.assertIn("content-type", allowed, headers)

    def test_requests_from_the_allowed_origin_carry_the_cors_headers(self):
        token = harness.new_agent_token()
        status, headers, body = self.gateway.request("POST", "/v1/sign-in", {"dn": "5001"}, token=token,
                                                     headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        self.assertEqual(headers.get("Access-Control-Allow-Credentials"), "true")
        session = body["session"]
        status, headers, body = self.gateway.request(
            "GET", "/v1/sessions/%s/events?after=0&timeout=1" % session, cookie=session,
            headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        # Errors too: the browser must be able to read them.
        status, headers, body = self.gateway.request("POST", "/v1/sign-in", "{", token=token,
                                                     headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(status, 400, body)
        self.assertEqual(headers.get("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)

    def test_other_origins_are_refused_without_cors_headers(self):
        token = harness.new_agent_token()
        for origin in ("https://evil.example", "https://desk.example.evil", "http://desk.example",
                       "https://desk.example:8443", "null"):
            status, headers, body = self.preflight(origin)
            self.assertError((status, headers, body), 403, "origin_not_allowed", "preflight " + origin)
            self.assertIsNone(headers.get("Access-Control-Allow-Origin"), origin)
            answer = self.gateway.request("POST", "/v1/sign-in", {"dn": "5001"}, token=token,
                                          headers={"Origin": origin})
            self.assertError(answer, 403, "origin_not_allowed", "sign-in from " + origin)
            self.assertIsNone(answer[1].get("Access-Control-Allow-Origin"), origin)
        self.assertEqual(self.registrar.registers(), [], "a refused origin signed in")
        self.assertMetric(self.gateway, "wrtc_current_signins", 0)

    def test_requests_without_origin_are_not_cors(self):
        status, headers, body = self.gateway.request("POST", "/v1/sign-in", {"dn": "5001"},
                                                     token=harness.new_agent_token())
        self.assertEqual(status, 200, body)
        self.assertIsNone(headers.get("Access-Control-Allow-Origin"))


if __name__ == "__main__":
    harness.main()
