#!/usr/bin/env python3
"""The harness and the test peers without the gateway: metrics parsing, SIP message parsing and the
registrars (SIPp scenarios, the silent registrar, Kamailio) driven by a tiny SIP client."""

import hashlib
import re
import secrets
import socket
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import LOOPBACK, parse_metrics, scenario, wait_until  # noqa: E402


class TinyRegisterClient:
    """Sends REGISTERs for one AoR over UDP or TCP and returns the first response line + text."""

    def __init__(self, registrar_port, transport="udp", user="5001", domain="tenant.test"):
        self.port, self.transport, self.user, self.domain = registrar_port, transport, user, domain
        self.call_id = secrets.token_hex(8)
        self.cseq = 0
        if transport == "udp":
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((LOOPBACK, 0))
        else:
            self.sock = socket.create_connection((LOOPBACK, registrar_port))
        self.sock.settimeout(3)
        self.local_port = self.sock.getsockname()[1]

    def register(self, expires, authorization=None):
        self.cseq += 1
        lines = [
            "REGISTER sip:%s SIP/2.0" % self.domain,
            "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport" % (self.transport.upper(), LOOPBACK,
                                                              self.local_port, secrets.token_hex(6)),
            "Max-Forwards: 70",
            "From: <sip:%s@%s>;tag=%s" % (self.user, self.domain, self.call_id[:6]),
            "To: <sip:%s@%s>" % (self.user, self.domain),
            "Call-ID: %s" % self.call_id,
            "CSeq: %d REGISTER" % self.cseq,
            "Contact: <sip:%s@%s:%d;transport=%s>" % (self.user, LOOPBACK, self.local_port,
                                                     self.transport),
            "Expires: %d" % expires,
        ]
        if authorization:
            lines.append("Authorization: " + authorization)
        message = ("\r\n".join(lines + ["Content-Length: 0", "", ""])).encode()
        if self.transport == "udp":
            self.sock.sendto(message, (LOOPBACK, self.port))
            data = self.sock.recvfrom(65536)[0]
        else:
            self.sock.sendall(message)
            data = self.sock.recv(65536)
        text = data.decode()
        return int(text.split(" ", 2)[1]), text

    def digest(self, challenge, password, expires):
        nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
        realm = re.search(r'realm="([^"]+)"', challenge).group(1)
        uri = "sip:%s" % self.domain

        def md5(s):
            return hashlib.md5(s.encode()).hexdigest()
        response = md5("%s:%s:%s" % (md5("%s:%s:%s" % (self.user, realm, password)), nonce,
                                     md5("REGISTER:%s" % uri)))
        return self.register(expires, 'Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                                      'response="%s", algorithm=MD5' % (self.user, realm, nonce, uri,
                                                                        response))

    def close(self):
        self.sock.close()


class MetricsParserTest(unittest.TestCase):

    def test_parses_names_labels_and_values_exactly(self):
        text = ("# HELP wrtc_current_signins Current registered DNs\n"
                "# TYPE wrtc_current_signins gauge\n"
                "wrtc_current_signins 3\n"
                "wrtc_registrations_by_domain{domain=\"tenant.test\"} 2\n"
                "wrtc_system_error{type=\"auth\"}   0  \n"
                "wrtc_client_errors{ type = \"timeout\" , } 1 1700000000000\n"
                "odd{msg=\"a \\\"quoted\\\" \\\\ value\"} 1e3\n")
        m = parse_metrics(text)
        self.assertEqual(harness.metric(m, "wrtc_current_signins"), 3)
        self.assertEqual(harness.metric(m, "wrtc_registrations_by_domain", domain="tenant.test"), 2)
        self.assertEqual(harness.metric(m, "wrtc_system_error", type="auth"), 0)
        self.assertEqual(harness.metric(m, "wrtc_client_errors", type="timeout"), 1)
        self.assertEqual(harness.metric(m, "odd", msg='a "quoted" \\ value'), 1000)
        # Exact names: a _total suffix is a different metric.
        self.assertIsNone(harness.metric(m, "wrtc_current_signins_total"))
        self.assertIsNone(harness.metric(m, "wrtc_registrations_by_domain"))

    def test_refuses_lines_that_are_not_samples(self):
        with self.assertRaises(ValueError):
            parse_metrics("wrtc_current_signins\n")
        with self.assertRaises(ValueError):
            parse_metrics("wrtc_x{domain=tenant} 1\n")


class SipMessageTest(unittest.TestCase):

    def test_register_fields(self):
        text = ("REGISTER sip:tenant.test SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:5080\r\n"
                "t: \"Agent\" <sip:5001@tenant.test>\r\nm: <sip:5001@127.0.0.1:5080;transport=udp>"
                ";expires=0\r\nExpires: 3600\r\n\r\n")
        m = harness.SipMessage("received", "UDP", text)
        self.assertEqual(m.method, "REGISTER")
        self.assertEqual(m.aor(), "sip:5001@tenant.test")
        self.assertEqual(m.contact_hostport(), ("127.0.0.1", 5080))
        self.assertEqual(m.expires(), 0)
        self.assertTrue(m.is_unregister())
        m = harness.SipMessage("received", "UDP", text.replace(";expires=0", ""))
        self.assertEqual(m.expires(), 3600)
        star = harness.SipMessage("received", "UDP", "REGISTER sip:t SIP/2.0\r\nContact: *\r\n"
                                  "Expires: 0\r\n\r\n")
        self.assertIsNone(star.contact_hostport())
        self.assertTrue(star.is_unregister())


class RegistrarPeersTest(harness.IntegrationTest):

    def client(self, port, transport="udp"):
        c = TinyRegisterClient(port, transport)
        self.addCleanup(c.close)
        return c

    def test_sipp_accepts_register_and_unregister_over_udp_and_logs_them(self):
        registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"))
        c = self.client(registrar.port)
        self.assertEqual(c.register(3600)[0], 200)
        self.assertEqual(c.register(0)[0], 200)
        registers = wait_until(lambda: len(registrar.registers("sip:5001@tenant.test")) == 2 and
                               registrar.registers("sip:5001@tenant.test"), 5, "both REGISTERs logged")
        self.assertEqual([r.expires() for r in registers], [3600, 0])
        self.assertEqual(registers[0].contact_hostport(), (LOOPBACK, c.local_port))

    def test_sipp_accepts_register_over_tcp(self):
        registrar = self.start_sipp(scenario("registrar_200.xml", "registrar_accept_all.xml"),
                                    transport="tcp")
        c = self.client(registrar.port, "tcp")
        self.assertEqual(c.register(3600)[0], 200)
        self.assertEqual(c.register(0)[0], 200)
        wait_until(lambda: [m.transport for m in registrar.registers()] == ["TCP", "TCP"], 5,
                   "two REGISTERs over TCP in the log")

    def test_sipp_digest_scenario_checks_the_password(self):
        registrar = self.start_sipp(scenario("", "registrar_digest_challenge.xml"),
                                    keys={"user": "5001", "password": "pw"})
        c = self.client(registrar.port)
        status, challenge = c.register(3600)
        self.assertEqual(status, 401)
        self.assertEqual(c.digest(challenge, "pw", 3600)[0], 200)
        status, challenge = c.register(0)
        self.assertEqual(status, 401)
        self.assertEqual(c.digest(challenge, "not-pw", 0)[0], 401)
        self.assertEqual(c.digest(challenge, "pw", 0)[0], 200)

    def test_sipp_forbidden_scenario_refuses(self):
        registrar = self.start_sipp(scenario("registrar_403.xml", "registrar_forbidden.xml"))
        self.assertEqual(self.client(registrar.port).register(3600)[0], 403)

    def test_silent_registrar_records_and_never_answers(self):
        registrar = self.start_silent_registrar()
        c = self.client(registrar.port)
        with self.assertRaises(socket.timeout):
            c.sock.settimeout(0.5)
            c.register(3600)
        wait_until(lambda: registrar.registers(), 5, "the REGISTER to be recorded")

    def test_kamailio_usrloc_follows_register_and_unregister(self):
        kamailio = self.start_kamailio()
        for transport in ("udp", "tcp"):
            c = self.client(kamailio.port, transport)
            c.user = "70%s" % len(transport)
            aor = "%s@tenant.test" % c.user
            self.assertEqual(c.register(600)[0], 200)
            self.assertEqual(kamailio.contacts(aor), ["sip:%s@%s:%d;transport=%s" % (
                c.user, LOOPBACK, c.local_port, transport)])
            self.assertEqual(c.register(0)[0], 200)
            self.assertEqual(kamailio.contacts(aor), [])

    def test_kamailio_digest_mode(self):
        kamailio = self.start_kamailio(defines=["WITH_DIGEST", 'SIP_PASSWORD="kpw"'])
        c = self.client(kamailio.port)
        status, challenge = c.register(600)
        self.assertEqual(status, 401)
        self.assertEqual(c.digest(challenge, "wrong", 600)[0], 401)
        self.assertEqual(c.digest(challenge, "kpw", 600)[0], 200)
        self.assertEqual(len(kamailio.contacts("5001@tenant.test")), 1)


if __name__ == "__main__":
    harness.main()
