#!/usr/bin/env python3
"""Event long-polling: replay after a lost answer, each event once when advancing, timeouts and
their clamp, and the poll grace period that ends sessions whose client went away."""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import DOMAIN, scenario  # noqa: E402


class LongPoll(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.standin = self.start_standin()
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))

    def gateway(self, **options):
        return self.start_gateway(self.standin, self.registrar.proxy, options=options)

    def test_a_lost_answer_is_replayed_and_advancing_gives_each_event_once(self):
        gateway = self.gateway(**{"session.poll-grace-period": "10s"})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        first = self.first_events(gateway, session, token=token)
        self.assertRegisteredEvent(first)
        # The answer was "lost": asking with the same `after` gives the same events again.
        self.assertEqual(self.first_events(gateway, session, token=token), first)
        self.assertEqual(self.first_events(gateway, session, token=token, after=0), first)
        # Advancing past the highest seq gives nothing new.
        top = max(e["seq"] for e in first)
        started = time.monotonic()
        status, _, body = gateway.events(session, after=top, timeout=1, token=token)
        self.assertEqual((status, body), (200, {"events": []}))
        self.assertLess(time.monotonic() - started, 10)
        # Sign-out ends the session; a client that keeps advancing sees every seq exactly once.
        seen = list(first)
        self.assertEqual(gateway.sign_out(session, token=token)[0], 204)
        status, _, body = gateway.events(session, after=top, timeout=2, token=token)
        if status == 200:
            later = body["events"]
            self.assertTrue(all(e["seq"] > top for e in later), body)
            seen.extend(later)
        else:
            self.assertEqual(status, 404, body)
        seqs = [e["seq"] for e in seen]
        self.assertEqual(seqs, sorted(set(seqs)), "each event once, in order: %r" % seen)
        self.assertEqual(seqs[0], 1)

    def test_a_poll_waits_for_the_next_event(self):
        gateway = self.gateway(**{"session.poll-grace-period": "10s"})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        top = max(e["seq"] for e in self.first_events(gateway, session, token=token))
        answer = {}

        def poll():
            answer["started"] = time.monotonic()
            answer["result"] = gateway.events(session, after=top, timeout=20, token=token)
            answer["ended"] = time.monotonic()
        t = threading.Thread(target=poll)
        t.start()
        self.addCleanup(t.join, 30)
        harness.wait_until(lambda: "started" in answer, 5, "the poll to start")
        time.sleep(0.5)  # let the poll reach the gateway before the event it waits for
        self.assertNotIn("result", answer, "the poll returned at once with no new event")
        self.assertEqual(gateway.sign_out(session, token=token)[0], 204)
        t.join(25)
        self.assertIn("result", answer)
        status, _, body = answer["result"]
        if status == 200:
            types = [e["type"] for e in body["events"]]
            self.assertIn("session.ended", types, body)
        else:
            self.assertEqual(status, 404, body)
        self.assertLess(answer["ended"] - answer["started"], 15)

    def test_timeout_one_returns_empty_after_about_a_second(self):
        gateway = self.gateway()
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        top = max(e["seq"] for e in self.first_events(gateway, session, token=token))
        started = time.monotonic()
        status, _, body = gateway.events(session, after=top, timeout=1, token=token)
        elapsed = time.monotonic() - started
        self.assertEqual((status, body), (200, {"events": []}))
        self.assertGreater(elapsed, 0.7, "a 1 s poll returned after %.2f s" % elapsed)
        self.assertLess(elapsed, 5, "a 1 s poll returned after %.2f s" % elapsed)

    def test_oversized_and_default_timeouts_return(self):
        gateway = self.gateway(**{"session.poll-grace-period": "10s"})
        results = {}

        def poll(name, timeout):
            token = harness.new_agent_token()
            dn = {"clamped": "5001", "default": "5002"}[name]
            session = self.assertSignedIn(gateway.sign_in(token, dn), dn)
            top = max(e["seq"] for e in self.first_events(gateway, session, token=token))
            started = time.monotonic()
            answer = gateway.events(session, after=top, timeout=timeout, token=token,
                                    http_timeout=90)
            results[name] = (answer, time.monotonic() - started)
        threads = [threading.Thread(target=poll, args=("clamped", 500)),
                   threading.Thread(target=poll, args=("default", None))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(100)
        for name in ("clamped", "default"):
            self.assertIn(name, results, "the %s poll never returned" % name)
            (status, _, body), elapsed = results[name]
            self.assertEqual((status, body), (200, {"events": []}), name)
        self.assertLess(results["clamped"][1], 75, "timeout=500 was not clamped")
        self.assertLess(results["default"][1], 50, "the default timeout is 30 s")

    def test_bad_after_or_timeout_is_a_bad_request(self):
        gateway = self.gateway()
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        for query in ("after=-1", "after=abc", "after=0&timeout=soon", "after=0&timeout=-3"):
            answer = gateway.request("GET", "/v1/sessions/%s/events?%s" % (session, query),
                                     token=token)
            self.assertError(answer, 400, "bad_request", query)

    def test_session_that_is_not_polled_ends_after_the_grace_period(self):
        gateway = self.gateway(**{"session.poll-grace-period": "2s"})
        idle_token, busy_token = harness.new_agent_token(), harness.new_agent_token()
        idle = self.assertSignedIn(gateway.sign_in(idle_token, "5001"), "5001")
        busy = self.assertSignedIn(gateway.sign_in(busy_token, "5002"), "5002")
        poller = self.start_poller(gateway, busy, token=busy_token)
        started = time.monotonic()
        unregister = self.wait_register(self.registrar, "sip:5001@%s" % DOMAIN, unregister=True,
                                        timeout=20)
        self.assertGreater(time.monotonic() - started, 1, "ended before the grace period")
        self.assertTrue(unregister.is_unregister())
        self.wait_metric(gateway, "wrtc_client_errors", 1, type="timeout")
        self.wait_metric(gateway, "wrtc_current_signins", 1)
        self.assertSessionGone(gateway, idle, token=idle_token)
        # The agent that kept polling is still there.
        self.assertEqual([r for r in self.registrar.registers("sip:5002@%s" % DOMAIN)
                          if r.is_unregister()], [])
        self.assertEqual(poller.failures, [])
        self.assertEqual([e["type"] for e in poller.events], ["session.registered"])

    def test_session_whose_client_stops_polling_ends_too(self):
        gateway = self.gateway(**{"session.poll-grace-period": "2s"})
        token = harness.new_agent_token()
        session = self.assertSignedIn(gateway.sign_in(token, "5001"), "5001")
        self.assertRegisteredEvent(self.first_events(gateway, session, token=token))
        status, _, _ = gateway.events(session, after=1, timeout=1, token=token)
        self.assertEqual(status, 200)
        self.wait_register(self.registrar, "sip:5001@%s" % DOMAIN, unregister=True, timeout=20)
        self.wait_metric(gateway, "wrtc_client_errors", 1, type="timeout")
        self.wait_metric(gateway, "wrtc_current_signins", 0)


if __name__ == "__main__":
    harness.main()
