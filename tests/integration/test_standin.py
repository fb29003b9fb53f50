#!/usr/bin/env python3
"""The GAuth/GWS stand-in itself: its protocol, its failure modes and its speed (no gateway)."""

import base64
import http.client as httpclient
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import LOOPBACK, http, wait_until  # noqa: E402

TOKEN = "/auth/v3/oauth/token"
USERINFO = "/auth/v3/userinfo"
CC1 = "/environment/v3/contact-centers/cc-1"
PING = "/configuration/v3/ping"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class StandinTest(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()

    def service_token(self):
        status, _, body = http("POST", self.standin.auth_url + TOKEN, "grant_type=client_credentials",
                               dict(FORM, Authorization=basic("wrtc", "s3cret")))
        self.assertEqual(status, 200, body)
        return body["access_token"]

    def userinfo(self, token):
        return http("GET", self.standin.auth_url + USERINFO, headers={"Authorization": "Bearer " + token})

    def contact_center(self, token, cc="cc-1"):
        return http("GET", self.standin.env_url + "/environment/v3/contact-centers/" + cc,
                    headers={"Authorization": "Bearer " + token})

    # -- GAuth ---------------------------------------------------------------------------

    def test_client_credentials_grant_issues_a_bearer_token(self):
        status, headers, body = http("POST", self.standin.auth_url + TOKEN,
                                     "grant_type=client_credentials",
                                     dict(FORM, Authorization=basic("wrtc", "s3cret")))
        self.assertEqual(status, 200)
        self.assertEqual(body["token_type"], "bearer")
        self.assertEqual(body["expires_in"], 3600)
        self.assertGreaterEqual(len(body["access_token"]), 20)
        self.assertIsNotNone(headers.get("Content-Length"))
        self.assertNotEqual(body["access_token"], self.service_token())

    def test_token_endpoint_refuses_wrong_client_and_other_grants(self):
        url = self.standin.auth_url + TOKEN
        for auth in (basic("wrtc", "wrong"), basic("other", "s3cret"), "Bearer agent-x", None):
            headers = dict(FORM)
            if auth:
                headers["Authorization"] = auth
            status, _, body = http("POST", url, "grant_type=client_credentials", headers)
            self.assertEqual((status, body), (401, {"error": "invalid_client"}), auth)
        status, _, body = http("POST", url, "grant_type=password&username=a&password=b",
                               dict(FORM, Authorization=basic("wrtc", "s3cret")))
        self.assertEqual((status, body), (400, {"error": "unsupported_grant_type"}))
        status, _, _ = http("GET", url, headers={"Authorization": basic("wrtc", "s3cret")})
        self.assertEqual(status, 405)

    def test_userinfo_knows_minted_and_added_agents_only(self):
        status, _, body = self.userinfo("agent-alice")
        self.assertEqual(status, 200)
        self.assertEqual(body["user_name"], "alice")
        self.assertEqual(body["contact_center_id"], "cc-1")
        self.assertIn("dn", body)
        for bad in ("alice", "agent-", self.service_token()):
            self.assertEqual(self.userinfo(bad)[0], 401, bad)
        status, _, _ = http("GET", self.standin.auth_url + USERINFO)
        self.assertEqual(status, 401)
        self.standin.tokens(agents={"opaque-1": {"user_name": "bob", "contact_center_id": "cc-2",
                                                 "dn": "5002"}})
        status, _, body = self.userinfo("opaque-1")
        self.assertEqual((status, body["user_name"], body["contact_center_id"], body["dn"]),
                         (200, "bob", "cc-2", "5002"))
        self.standin.tokens(revoke=["opaque-1", "agent-alice"])
        self.assertEqual(self.userinfo("opaque-1")[0], 401)
        self.assertEqual(self.userinfo("agent-alice")[0], 401)
        self.assertEqual(self.userinfo("agent-carol")[0], 200)

    # -- GWS -----------------------------------------------------------------------------

    def test_contact_centers_need_a_service_token(self):
        token = self.service_token()
        status, _, body = self.contact_center(token)
        self.assertEqual((status, body["id"], body["domain"]), (200, "cc-1", "tenant.test"))
        self.assertIn("name", body)
        self.assertEqual(self.contact_center(token, "cc-9")[0], 404)
        self.assertEqual(self.contact_center("agent-alice")[0], 401)
        self.assertEqual(self.contact_center("made-up")[0], 401)
        self.assertEqual(http("GET", self.standin.env_url + CC1)[0], 401)
        self.standin.tokens(contact_centers={"cc-2": {"domain": "other.test"}})
        status, _, body = self.contact_center(token, "cc-2")
        self.assertEqual((status, body["domain"]), (200, "other.test"))

    def test_service_tokens_expire_after_the_configured_ttl(self):
        self.standin.settings(expires_in=1)
        status, _, body = http("POST", self.standin.auth_url + TOKEN, "grant_type=client_credentials",
                               dict(FORM, Authorization=basic("wrtc", "s3cret")))
        self.assertEqual(body["expires_in"], 1)
        token = body["access_token"]
        self.assertEqual(self.contact_center(token)[0], 200)
        wait_until(lambda: self.contact_center(token)[0] == 401, 5, "the token to expire")
        self.assertIn(token, self.standin.service_tokens())

    def test_configuration_ping_answers_without_credentials(self):
        status, _, body = http("GET", self.standin.env_url + PING)
        self.assertEqual((status, body), (200, {"status": "ok"}))
        self.assertEqual(http("GET", self.standin.env_url + "/configuration/v3/other")[0], 404)

    # -- failure modes -------------------------------------------------------------------

    def test_down_refuses_connections_and_cuts_open_ones_and_up_reopens_the_port(self):
        conn = httpclient.HTTPConnection(LOOPBACK, self.standin.auth_port, timeout=5)
        conn.request("GET", USERINFO, headers={"Authorization": "Bearer agent-a"})
        resp = conn.getresponse()
        resp.read()
        self.assertEqual(resp.status, 200)
        self.standin.mode("auth", "down")
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection((LOOPBACK, self.standin.auth_port), timeout=2).close()
        with self.assertRaises((OSError, httpclient.HTTPException)):
            conn.request("GET", USERINFO, headers={"Authorization": "Bearer agent-a"})
            conn.getresponse().read()
        conn.close()
        # The env port is a different service and stays up.
        self.assertEqual(http("GET", self.standin.env_url + PING)[0], 200)
        self.assertEqual(self.standin.stats()["listening"], {"auth": False, "env": True})
        self.standin.mode("auth", "up")
        self.assertEqual(self.userinfo("agent-a")[0], 200)

    def test_env_down_takes_the_configuration_service_with_it(self):
        self.standin.mode("env", "down")
        with self.assertRaises(ConnectionRefusedError):
            http("GET", self.standin.env_url + PING)
        self.standin.mode("env", "up")
        self.assertEqual(http("GET", self.standin.env_url + PING)[0], 200)

    def test_cfg_down_drops_configuration_requests_only(self):
        token = self.service_token()
        self.standin.mode("cfg", "down")
        with self.assertRaises((OSError, httpclient.HTTPException)):
            http("GET", self.standin.env_url + PING)
        self.assertEqual(self.contact_center(token)[0], 200)

    def test_slow_delays_every_answer(self):
        self.standin.mode("auth", "slow", delay=0.6)
        started = time.monotonic()
        status, _, _ = self.userinfo("agent-a")
        self.assertEqual(status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.55)
        # A slow answer in progress is dropped when the service goes down.
        self.standin.mode("auth", "slow", delay=30)
        errors = []

        def ask():
            try:
                self.userinfo("agent-a")
            except Exception as e:  # noqa: BLE001
                errors.append(e)
        t = threading.Thread(target=ask)
        t.start()
        wait_until(lambda: self.standin.requests_to(USERINFO) == 2, 5, "the slow request to arrive")
        started = time.monotonic()
        self.standin.mode("auth", "down")
        t.join(10)
        self.assertFalse(t.is_alive())
        self.assertEqual(len(errors), 1)
        self.assertLess(time.monotonic() - started, 5)

    def test_error500_garbage_and_invalid_token_modes(self):
        token = self.service_token()
        self.standin.mode("auth", "error500")
        self.assertEqual(self.userinfo("agent-a")[0], 500)
        self.standin.mode("auth", "garbage")
        status, _, body = self.userinfo("agent-a")
        self.assertEqual(status, 200)
        self.assertIsInstance(body, str, "garbage must not parse as JSON")
        self.standin.mode("auth", "invalid_token")
        self.assertEqual(self.userinfo("agent-a")[0], 401)
        self.assertTrue(self.service_token())  # the token endpoint still works
        self.standin.mode("env", "invalid_token")
        self.assertEqual(self.contact_center(token)[0], 401)
        self.standin.mode("env", "error500")
        self.assertEqual(self.contact_center(token)[0], 500)
        with self.assertRaises(AssertionError):
            self.standin.mode("auth", "sideways")
        with self.assertRaises(AssertionError):
            self.standin.mode("dns", "down")

    def test_stats_count_paths_and_remember_the_authorization_scheme(self):
        token = self.service_token()
        self.contact_center(token)
        self.userinfo("agent-a")
        self.userinfo("agent-b")
        http("GET", self.standin.env_url + PING)
        stats = self.standin.stats()
        self.assertEqual(stats["requests"], {TOKEN: 1, USERINFO: 2, CC1: 1, PING: 1})
        self.assertEqual(stats["auth_scheme"], {TOKEN: "Basic", USERINFO: "Bearer", CC1: "Bearer",
                                                PING: None})
        self.assertEqual(stats["status"][USERINFO], {"200": 2})
        self.assertEqual(stats["services"], {"auth": 3, "env": 1, "cfg": 1})

    def test_reset_restores_modes_and_clears_stats_but_keeps_issued_tokens(self):
        token = self.service_token()
        self.standin.tokens(agents={"opaque-2": {"user_name": "dave"}})
        self.standin.mode("auth", "down")
        self.standin.mode("env", "error500")
        self.standin.reset()
        stats = self.standin.stats()
        self.assertEqual(stats["requests"], {})
        self.assertEqual({s: m["mode"] for s, m in stats["modes"].items()},
                         {"auth": "up", "env": "up", "cfg": "up"})
        self.assertEqual(self.userinfo("opaque-2")[0], 401)
        self.assertEqual(self.contact_center(token)[0], 200)

    # -- transport ------------------------------------------------------------------------

    def test_keep_alive_with_content_length_on_every_answer(self):
        conn = httpclient.HTTPConnection(LOOPBACK, self.standin.auth_port, timeout=5)
        try:
            for token in ("agent-a", "nobody", "agent-b"):
                conn.request("GET", USERINFO, headers={"Authorization": "Bearer " + token})
                resp = conn.getresponse()
                resp.read()
                self.assertIsNotNone(resp.getheader("Content-Length"))
                self.assertFalse(resp.will_close)
            conn.request("GET", "/nowhere")
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.status, 404)
        finally:
            conn.close()

    def test_answers_more_than_1000_requests_per_second(self):
        per_connection, connections = 500, 8
        failures = []

        def client(i):
            try:
                conn = httpclient.HTTPConnection(LOOPBACK, self.standin.auth_port, timeout=10)
                for j in range(per_connection):
                    conn.request("GET", USERINFO, headers={"Authorization": "Bearer agent-%d-%d" % (i, j)})
                    resp = conn.getresponse()
                    resp.read()
                    if resp.status != 200:
                        failures.append(resp.status)
                conn.close()
            except Exception as e:  # noqa: BLE001
                failures.append(e)
        threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - started
        self.assertEqual(failures, [])
        rate = per_connection * connections / elapsed
        self.assertGreater(rate, 1000, "%.0f requests/s" % rate)
        self.assertEqual(self.standin.requests_to(USERINFO), per_connection * connections)


class StandinCommandLineTest(harness.IntegrationTest):

    def test_listens_on_the_ports_it_is_given(self):
        ports = [harness.free_port() for _ in range(3)]
        standin = self.start_standin(extra_args=["--auth-port", ports[0], "--env-port", ports[1],
                                                 "--control-port", ports[2], "--domain", "x.test"])
        self.assertEqual([standin.auth_port, standin.env_port, standin.control_port], ports)
        status, _, body = http("POST", standin.auth_url + TOKEN, "grant_type=client_credentials",
                               dict(FORM, Authorization=basic("wrtc", "s3cret")))
        status, _, body = http("GET", standin.env_url + CC1,
                               headers={"Authorization": "Bearer " + body["access_token"]})
        self.assertEqual(body["domain"], "x.test")

    def test_stops_on_sigterm(self):
        standin = self.start_standin()
        self.assertEqual(standin.stop(), 0)


if __name__ == "__main__":
    harness.main()
