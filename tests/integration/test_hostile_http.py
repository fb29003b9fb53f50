#!/usr/bin/env python3
"""Hostile HTTP at the signalling port: every request is refused (4xx) or the connection closed,
while an agent signed in before keeps polling undisturbed and the gateway stays up."""

import re
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, LOOPBACK, raw_exchange, scenario  # noqa: E402


def post(path, body, token, extra=""):
    if isinstance(body, str):
        body = body.encode("utf-8")
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n%s\r\n"
            % (path, token, len(body), extra)).encode()
    return head + body


class HostileHttp(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        self.gateway = self.start_gateway(self.standin, self.registrar.proxy)
        self.agent = harness.new_agent_token()
        self.session = self.assertSignedIn(self.gateway.sign_in(self.agent, "5001"), "5001")
        # Polls back to back through everything below: the 2 s poll grace would end the session
        # if the gateway stalled.
        self.poller = self.start_poller(self.gateway, self.session, token=self.agent)
        harness.wait_until(lambda: self.poller.events, 10, "the agent's first event")

    def assertRefused(self, what, payload, close_after_send=False, timeout=5):
        answer = raw_exchange(self.gateway.http_port, payload, timeout=timeout,
                              close_after_send=close_after_send)
        if answer.status is None:
            self.assertTrue(answer.closed, "%s: neither an answer nor a close within %s s: %r"
                            % (what, timeout, answer))
        else:
            self.assertTrue(400 <= answer.status < 500, "%s: %r" % (what, answer))
        self.assertTrue(self.gateway.alive(), "the gateway died after: %s" % what)
        return answer

    def assertUndisturbed(self):
        self.assertTrue(self.gateway.alive())
        status, _, body = harness.http("GET", self.gateway.url + "/ping")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.poller.failures, [], "the signed-in agent's polls failed")
        types = [e["type"] for e in self.poller.events]
        self.assertEqual(types, ["session.registered"], self.poller.events)
        self.assertEqual([r for r in self.registrar.registers("sip:5001@%s" % DOMAIN)
                          if r.is_unregister()], [], "the signed-in agent was un-registered")
        # The gateway still signs agents in and delivers their events.
        other = harness.new_agent_token()
        session = self.assertSignedIn(self.gateway.sign_in(other, "5002"), "5002")
        self.assertRegisteredEvent(self.first_events(self.gateway, session, token=other))
        self.assertMetric(self.gateway, "wrtc_current_signins", 2)

    def test_malformed_request_lines(self):
        for what, payload in [
                ("garbage request line", b"THIS IS NOT HTTP\r\n\r\n"),
                ("no version", b"GET /ping\r\n\r\n"),
                ("bad version", b"GET /ping HTTP/9.9\r\nHost: x\r\n\r\n"),
                ("binary noise", bytes(range(256)) * 4),
                ("bare newlines", b"GET /ping HTTP/1.1\nHost: x\n\n" + b"\n" * 1000),
                ("header without colon", b"GET /ping HTTP/1.1\r\nHost x\r\n\r\n"),
                ("negative content length", b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\n"
                                            b"Content-Length: -5\r\n\r\n"),
                ("two content lengths", b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 2"
                                        b"\r\nContent-Length: 40\r\n\r\n{}")]:
            self.assertRefused(what, payload)
        # An absolute-form target naming another host is never fetched: at most served as /ping.
        answer = raw_exchange(self.gateway.http_port, b"GET http://example.com/ping HTTP/1.1\r\n"
                              b"Host: example.com\r\n\r\n", timeout=5)
        self.assertTrue(answer.closed or answer.status == 200 or 400 <= (answer.status or 0) < 500,
                        answer)
        self.assertUndisturbed()

    def test_truncated_requests_then_close(self):
        for what, payload in [
                ("headers cut", b"POST /v1/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"),
                ("body cut", post("/v1/sign-in", '{"dn":"5009"}', self.agent)[:-6]),
                ("request line cut", b"GE")]:
            s = socket.create_connection((LOOPBACK, self.gateway.http_port), timeout=5)
            s.sendall(payload)
            s.close()
            self.assertTrue(self.gateway.alive(), what)
        # Many at once, and one that stays open silently.
        idle = socket.create_connection((LOOPBACK, self.gateway.http_port), timeout=5)
        self.addCleanup(idle.close)
        idle.sendall(b"POST /v1/sign-in HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        for _ in range(50):
            s = socket.create_connection((LOOPBACK, self.gateway.http_port), timeout=5)
            s.sendall(post("/v1/sign-in", '{"dn":"5009"}', self.agent)[:40])
            s.close()
        self.assertEqual(self.registrar.registers("sip:5009@%s" % DOMAIN), [])
        self.assertUndisturbed()

    def test_oversized_headers(self):
        self.assertRefused("one 100 KiB header", b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: "
                           + b"a" * (100 * 1024) + b"\r\n\r\n")
        self.assertRefused("10000 headers", b"GET /ping HTTP/1.1\r\nHost: x\r\n"
                           + b"".join(b"X-H%d: v\r\n" % i for i in range(10000)) + b"\r\n")
        self.assertRefused("64 KiB request target", b"GET /v1/" + b"a" * (64 * 1024)
                           + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertRefused("huge bearer token", b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\n"
                           b"Authorization: Bearer " + b"t" * (60 * 1024) + b"\r\n"
                           b"Content-Length: 13\r\n\r\n{\"dn\":\"5009\"}")
        self.assertUndisturbed()

    def test_bodies_too_large_invalid_or_too_deep(self):
        answer = self.assertRefused("70 KiB body", post(
            "/v1/sign-in", '{"dn":"5009","x":"%s"}' % ("y" * 70 * 1024), self.agent))
        if answer.status is not None:
            self.assertEqual(answer.status, 413, answer)
        self.assertRefused("announced 1 GiB body", b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 1073741824\r\n\r\n{\"dn\":")
        for what, body in [("invalid JSON", '{"dn": 5009,,}'),
                           ("unterminated string", '{"dn": "5009'),
                           ("100k deep array", "[" * 100000 + "]" * 100000),
                           ("30k deep array under 64 KiB", "[" * 30000 + "]" * 30000),
                           ("30k deep objects", '{"a":' * 10000 + "1" + "}" * 10000),
                           ("dn nested deep", '{"dn":' + "[" * 20000 + "]" * 20000 + "}")]:
            answer = self.assertRefused(what, post("/v1/sign-in", body, self.agent))
            if answer.status is not None and len(body) <= 64 * 1024:
                self.assertEqual(answer.status, 400, "%s: %r" % (what, answer))
        self.assertUndisturbed()

    def test_non_utf8_input(self):
        for what, payload in [
                ("latin-1 body", post("/v1/sign-in", b'{"dn":"50\xe909"}', self.agent)),
                ("invalid UTF-8 bytes", post("/v1/sign-in", b'{"dn":"\xff\xfe\xfd"}', self.agent)),
                ("overlong encoding", post("/v1/sign-in", b'{"dn":"\xc0\xaf"}', self.agent)),
                ("NUL in body", post("/v1/sign-in", b'{"dn":"50\x0001"}', self.agent)),
                ("non-UTF-8 path", b"GET /v1/sessions/\xff\xfe/events HTTP/1.1\r\nHost: x\r\n"
                                   b"Authorization: Bearer " + self.agent.encode() + b"\r\n\r\n"),
                ("non-UTF-8 token", b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                    b"\xff\xfe\r\nContent-Length: 13\r\n\r\n{\"dn\":\"5009\"}")]:
            self.assertRefused(what, payload)
        self.assertEqual(self.registrar.registers("sip:5009@%s" % DOMAIN), [])
        self.assertUndisturbed()

    def test_keep_alive_and_pipelined_requests_are_answered_in_order(self):
        s = socket.create_connection((LOOPBACK, self.gateway.http_port), timeout=5)
        self.addCleanup(s.close)
        s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""

        def three_answers():
            nonlocal data
            data += s.recv(65536)
            return len(re.findall(rb"HTTP/1\.1 \d{3}", data)) >= 3
        harness.wait_until(three_answers, 5, "three answers on one connection")
        self.assertEqual(re.findall(rb"HTTP/1\.1 (\d{3})", data), [b"200", b"404", b"200"], data)
        self.assertUndisturbed()

    def test_a_stalled_request_is_closed_by_the_gateway(self):
        stalled = []
        for payload in (b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Le",
                        b"POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"dn\":"):
            s = socket.create_connection((LOOPBACK, self.gateway.http_port), timeout=5)
            self.addCleanup(s.close)
            s.sendall(payload)
            s.settimeout(0.2)
            stalled.append(s)

        def closed(s):
            try:
                return s.recv(65536) == b""
            except socket.timeout:
                return False
            except OSError:
                return True
        harness.wait_until(lambda: all(closed(s) for s in stalled), 75,
                           "the gateway to close connections whose request stalled (slowloris)",
                           interval=0.5)
        self.assertUndisturbed()

    def test_many_connections_opened_and_dropped(self):
        sockets = []
        started = time.monotonic()
        for _ in range(300):
            try:
                sockets.append(socket.create_connection((LOOPBACK, self.gateway.http_port), timeout=5))
            except OSError:
                break
        for s in sockets:
            s.close()
        self.assertGreater(len(sockets), 100, "the gateway accepted only %d connections" % len(sockets))
        self.assertLess(time.monotonic() - started, 30)
        self.assertUndisturbed()


if __name__ == "__main__":
    harness.main()
