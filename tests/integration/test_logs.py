#!/usr/bin/env python3
"""Gateway logs: JSON lines with @timestamp, level and message; sign-in lines name the session, DN
and tenant; tokens and the GWS secret never appear."""

import base64
import json
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import CONTACT_CENTER, scenario, wait_until  # noqa: E402


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise DuplicateKey("key(s) %s appear twice" % duplicates)
    return dict(pairs)


def json_lines(text):
    """Parses every non-empty line; returns (objects, lines that are not JSON objects). A line
    with a key twice counts as bad: a log shipper keeps only one of the values."""
    objects, bad = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_no_duplicates)
        except ValueError as e:
            bad.append("%s  <- %s" % (line, e))
            continue
        (objects if isinstance(obj, dict) else bad).append(obj if isinstance(obj, dict) else line)
    return objects, bad


class Logs(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.secret = "gws-secret-" + secrets.token_hex(12)
        self.standin = self.start_standin(client_secret=self.secret)
        self.registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        self.agent_token = "tok-" + secrets.token_hex(20)
        self.standin.tokens(agents={self.agent_token: {"user_name": "alice"}})

    def exercise(self, gateway):
        """Signs in, polls, fails a few times and signs out: lines of every kind."""
        gateway.sign_in("tok-unknown-" + secrets.token_hex(8), "5009")
        gateway.request("POST", "/v1/sign-in", "{not json", token=self.agent_token)
        status, _, body = gateway.sign_in(self.agent_token, "5001")
        self.assertEqual(status, 200, body)
        session = body["session"]
        self.first_events(gateway, session, token=self.agent_token)
        self.assertEqual(gateway.sign_in(self.agent_token, "5001")[0], 409)
        self.assertEqual(gateway.sign_out(session, token=self.agent_token)[0], 204)
        self.wait_register(self.registrar, "sip:5001@tenant.test", unregister=True)
        # A dependency failure and its recovery log lines of their own.
        self.standin.mode("auth", "error500")
        self.assertEqual(gateway.sign_in(harness.new_agent_token(), "5002")[0], 503)
        self.standin.mode("auth", "up")
        wait_until(lambda: gateway.sign_in(harness.new_agent_token(), "5003")[0] == 200, 40,
                   "sign-in to work again after GAuth recovered", interval=0.5)
        return session

    def forbidden_strings(self):
        basic = base64.b64encode(("wrtc:%s" % self.secret).encode()).decode()
        return [self.agent_token, self.secret, basic] + self.standin.service_tokens()

    def assertNoSecrets(self, text, where):
        for secret in self.forbidden_strings():
            self.assertNotIn(secret, text, "a secret appears in %s" % where)

    def test_log_file_has_json_lines_with_session_fields_and_no_secrets(self):
        log_path = self.workdir / "gateway.log"
        gateway = self.start_gateway(self.standin, self.registrar.proxy,
                                     options={"gateway.log-path": log_path})
        session = self.exercise(gateway)

        def sign_in_lines():
            objects, _ = json_lines(log_path.read_text("utf-8", "replace"))
            return [o for o in objects if o.get("session") == session and o.get("dn") == "5001"
                    and o.get("tenant") == CONTACT_CENTER]
        wait_until(sign_in_lines, 10, "a log line with the session, dn and tenant")

        text = log_path.read_bytes().decode("utf-8", "replace")
        objects, bad = json_lines(text)
        self.assertFalse(bad, "lines of the log file that are not JSON objects:\n" + "\n".join(bad))
        self.assertGreater(len(objects), 3)
        for obj in objects:
            for field in ("@timestamp", "level", "message"):
                self.assertIn(field, obj, obj)
            self.assertIsInstance(obj["message"], str, obj)
            self.assertRegex(obj["@timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", obj)
        self.assertNoSecrets(text, "the log file")
        gateway.stop()
        self.assertNoSecrets(gateway.process.output(), "the gateway's stdout")
        self.assertNoSecrets(gateway.process.errors(), "the gateway's stderr")

    def test_logs_on_stdout_are_json_lines_without_secrets(self):
        gateway = self.start_gateway(self.standin, self.registrar.proxy)
        self.exercise(gateway)
        gateway.stop()
        out = gateway.process.output()
        objects, bad = json_lines(out)
        self.assertFalse(bad, "stdout lines that are not JSON objects:\n" + "\n".join(bad))
        self.assertTrue(objects, "no log line on stdout")
        for obj in objects:
            for field in ("@timestamp", "level", "message"):
                self.assertIn(field, obj, obj)
        self.assertNoSecrets(out, "the gateway's stdout")
        self.assertNoSecrets(gateway.process.errors(), "the gateway's stderr")


if __name__ == "__main__":
    harness.main()
