"""Shared helpers of the wrtc integration tests: peers (GAuth/GWS stand-in, SIPp, Kamailio, the
gateway), free ports, deadline waits, HTTP, raw sockets and Prometheus metrics.

Everything runs on 127.0.0.1. Each test starts its own processes on ports it picked itself and
stops them by pid, also when it fails; on failure the tail of every process's output is printed and
the test's work folder (logs, SIPp message files) is kept.

Python 3 standard library only.
"""

import http.client as httpclient
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
STANDIN = REPO / "tests" / "standin" / "gauth_gws_standin.py"
SIPP_DIR = REPO / "tests" / "integration" / "sipp"
SCENARIO_DIR = REPO / "tests" / "integration" / "scenarios"
KAMAILIO_CFG = REPO / "tests" / "integration" / "kamailio" / "registrar.cfg"

LOOPBACK = "127.0.0.1"
CLIENT_ID = "wrtc"
CLIENT_SECRET = "s3cret"
DOMAIN = "tenant.test"
CONTACT_CENTER = "cc-1"
ALLOWED_ORIGIN = "https://desk.example"
SESSION_COOKIE = "WRTC_SESSION"


# -- ports and waiting -------------------------------------------------------------------------

_handed_out = set()
_handed_out_lock = threading.Lock()


def _bindable(port, kind):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind((LOOPBACK, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port(udp=False):
    """A port that is free on 127.0.0.1 for TCP (and for UDP too when `udp`), never handed out
    twice by this process."""
    for _ in range(200):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((LOOPBACK, 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if udp and not _bindable(port, socket.SOCK_DGRAM):
            continue
        with _handed_out_lock:
            if port in _handed_out:
                continue
            _handed_out.add(port)
        return port
    raise RuntimeError("no free port found")


def port_taken(port, udp=False):
    """True when something listens on (or holds) the port."""
    return not _bindable(port, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)


class WaitTimeout(AssertionError):
    pass


class PeerDied(AssertionError):
    """Raised inside a wait when a process it waits for has exited: ends the wait at once."""


def wait_until(predicate, timeout, what, interval=0.05):
    """Calls `predicate` until it returns something truthy, which is returned. Exceptions count as
    'not yet'. Fails with `what` (a string, or a callable giving one when the wait failed), the
    last value and the last exception after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_value, last_error = None, None
    while True:
        try:
            last_value = predicate()
            if last_value:
                return last_value
        except PeerDied:
            raise
        except Exception as e:  # noqa: BLE001 - waiting tolerates transient failures
            last_error = e
        if time.monotonic() >= deadline:
            detail = "last value: %r" % (last_value,)
            if last_error is not None:
                detail += "; last error: %r" % (last_error,)
            if callable(what):
                what = what()
            raise WaitTimeout("timed out after %.1f s waiting for %s (%s)" % (timeout, what, detail))
        time.sleep(interval)


# -- HTTP ------------------------------------------------------------------------------------


def _check_loopback(host):
    if host not in (LOOPBACK, "localhost"):
        raise ValueError("tests only talk to 127.0.0.1, not %r" % host)


def http(method, url, body=None, headers=None, timeout=10):
    """One HTTP request on a fresh connection. `body`: dict/list (sent as JSON), str or bytes.
    Returns (status, headers, json_or_text); headers is case-insensitive (`.get`, `.get_all`)."""
    parts = urlsplit(url)
    _check_loopback(parts.hostname)
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        data = body.encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    else:
        data = body
    conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request(method, target, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, resp.headers, decode_body(raw)
    finally:
        conn.close()


def decode_body(raw):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class RawResponse:
    """What came back on a raw connection: `status` None when nothing parseable arrived."""

    def __init__(self, data, closed):
        self.data = data
        self.closed = closed
        self.status = None
        self.headers = {}
        self.body = b""
        head, sep, rest = data.partition(b"\r\n\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        if m:
            self.status = int(m.group(1))
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                self.headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
            self.body = rest

    def json(self):
        return decode_body(self.body)

    def __repr__(self):
        return "RawResponse(status=%r, closed=%r, data=%r)" % (self.status, self.closed,
                                                               self.data[:300])


def raw_exchange(port, payload, timeout=5.0, close_after_send=False, chunk=65536):
    """Sends raw bytes to 127.0.0.1:port and reads until the server closes, a complete answer with
    Content-Length arrived, or `timeout`. Send errors (the server closed early) are tolerated."""
    s = socket.create_connection((LOOPBACK, port), timeout=timeout)
    data, closed = b"", False
    try:
        try:
            for i in range(0, len(payload), chunk):
                s.sendall(payload[i:i + chunk])
            if close_after_send:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                got = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                closed = True
                break
            if not got:
                closed = True
                break
            data += got
            if _complete(data):
                break
    finally:
        s.close()
    return RawResponse(data, closed)


def _complete(data):
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    return m is not None and len(rest) >= int(m.group(1))


# -- Prometheus metrics ------------------------------------------------------------------------

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[ \t]*(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?[ \t]*$")
_LABEL = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*(?:,|$)')


def _unescape(value):
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset(labels.items())): float}. Names are taken
    exactly as exposed; only whitespace is tolerated. A line that is not a sample fails loudly."""
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _SAMPLE.match(stripped)
        if not m:
            raise ValueError("metrics line %d is not a sample: %r" % (number, line))
        name, label_text, value = m.group(1), m.group(2), m.group(3)
        labels = {}
        if label_text:
            pos = 0
            while pos < len(label_text):
                lm = _LABEL.match(label_text, pos)
                if not lm:
                    if label_text[pos:].strip() == "":
                        break
                    raise ValueError("bad labels on metrics line %d: %r" % (number, line))
                labels[lm.group(1)] = _unescape(lm.group(2))
                pos = lm.end()
        out[(name, frozenset(labels.items()))] = float(value)
    return out


def metrics(url):
    """GET url (the gateway's /metrics) and parse it."""
    status, _, body = http("GET", url)
    if status != 200:
        raise AssertionError("GET %s answered %s: %r" % (url, status, body))
    return parse_metrics(body if isinstance(body, str) else json.dumps(body))


def metric(samples, name, **labels):
    """The value of one sample, or None when it is not exposed."""
    return samples.get((name, frozenset(labels.items())))


# -- processes -------------------------------------------------------------------------------


class Process:
    """A child process in its own process group, output captured to files in `workdir`."""

    def __init__(self, name, argv, workdir, env=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.stdout_path = Path(workdir) / (name + ".stdout")
        self.stderr_path = Path(workdir) / (name + ".stderr")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err, env=env, cwd=str(workdir),
                                         start_new_session=True)
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10):
        """SIGTERM to the group this process leads (it and its children), SIGKILL after `timeout`
        s. Only while it runs: once reaped its id may belong to someone else. Returns the exit
        code."""
        if self.proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait(10)
        return self.proc.returncode

    def _signal(self, sig):
        try:
            os.killpg(self.pid, sig)  # the group this process leads: it and its own children
        except ProcessLookupError:
            pass

    def output(self):
        return self.stdout_path.read_bytes().decode("utf-8", "replace")

    def errors(self):
        return self.stderr_path.read_bytes().decode("utf-8", "replace")

    def tail(self, lines=40):
        parts = []
        for label, path in (("stdout", self.stdout_path), ("stderr", self.stderr_path)):
            try:
                text = path.read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            text = "\n".join(text.splitlines()[-lines:])
            parts.append("---- %s %s (pid %s, exit %s) ----\n%s" % (
                self.name, label, self.pid, self.proc.returncode, text))
        return "\n".join(parts)


def wait_ready(process, predicate, timeout, what):
    """wait_until for a peer that was just started: if it never gets ready it is stopped (it is
    not tracked by any cleanup yet) and the failure shows its output."""
    try:
        return wait_until(predicate, timeout, what)
    except BaseException as e:
        process.stop()
        if isinstance(e, WaitTimeout):
            raise WaitTimeout("%s\n%s" % (e, process.tail())) from None
        raise


class Standin:
    """The GAuth/GWS stand-in, with a client for its control API."""

    def __init__(self, workdir, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domain=DOMAIN,
                 extra_args=()):
        self.client_id = client_id
        self.client_secret = client_secret
        argv = [sys.executable, STANDIN, "--auth-port", 0, "--env-port", 0, "--control-port", 0,
                "--client-id", client_id, "--client-secret", client_secret, "--domain", domain]
        argv.extend(extra_args)
        self.process = Process("standin", argv, workdir)
        ports = wait_ready(self.process, self._ports, 15, "the stand-in to print its ports")
        self.auth_port, self.env_port, self.control_port = ports["auth"], ports["env"], ports["control"]
        self.auth_url = "http://%s:%d" % (LOOPBACK, self.auth_port)
        self.env_url = "http://%s:%d" % (LOOPBACK, self.env_port)
        self.control_url = "http://%s:%d" % (LOOPBACK, self.control_port)

    def _ports(self):
        if not self.process.alive():
            raise PeerDied("stand-in exited early:\n" + self.process.tail())
        line = self.process.output().partition("\n")[0]
        return json.loads(line) if line.endswith("}") else None

    def _control(self, method, path, body=None):
        status, _, answer = http(method, self.control_url + path, body)
        if status != 200:
            raise AssertionError("stand-in control %s %s: %s %r" % (method, path, status, answer))
        return answer

    def mode(self, service, mode, delay=0):
        return self._control("POST", "/mode", {"service": service, "mode": mode, "delay": delay})

    def stats(self):
        return self._control("GET", "/stats")

    def tokens(self, agents=None, contact_centers=None, revoke=None, revoke_service_tokens=False):
        return self._control("POST", "/tokens", {
            "agents": agents or {}, "contact_centers": contact_centers or {},
            "revoke": revoke or [], "revoke_service_tokens": revoke_service_tokens})

    def settings(self, **values):
        return self._control("POST", "/settings", values)

    def service_tokens(self):
        return self._control("GET", "/service-tokens")["tokens"]

    def reset(self):
        return self._control("POST", "/reset")

    def requests_to(self, path):
        return self.stats()["requests"].get(path, 0)

    def stop(self):
        return self.process.stop()


class SipMessage:
    """One SIP message from a SIPp message log (or a raw capture)."""

    COMPACT = {"m": "contact", "f": "from", "t": "to", "i": "call-id", "v": "via",
               "l": "content-length", "c": "content-type", "k": "supported"}

    def __init__(self, direction, transport, text):
        self.direction = direction  # "received" or "sent"
        self.transport = transport  # "UDP" or "TCP"
        self.text = text
        lines = text.replace("\r\n", "\n").split("\n")
        self.start_line = lines[0].strip() if lines else ""
        self.headers = []
        for line in lines[1:]:
            if not line.strip():
                break
            if line[0] in " \t" and self.headers:
                name, value = self.headers[-1]
                self.headers[-1] = (name, value + " " + line.strip())
                continue
            name, _, value = line.partition(":")
            name = name.strip().lower()
            self.headers.append((self.COMPACT.get(name, name), value.strip()))
        first = self.start_line.split(" ")
        self.method = first[0] if first and not first[0].startswith("SIP/") else None
        self.status = int(first[1]) if first and first[0].startswith("SIP/") and len(first) > 1 else None

    def header(self, name):
        name = name.lower()
        for n, v in self.headers:
            if n == name:
                return v
        return None

    def header_all(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n == name]

    @staticmethod
    def uri_of(value):
        """The URI inside a name-addr (`<sip:...>`) or addr-spec header value."""
        if value is None:
            return None
        m = re.search(r"<([^>]*)>", value)
        if m:
            return m.group(1)
        return value.split(";")[0].strip()

    def aor(self):
        """The To URI without parameters: the address of record of a REGISTER."""
        uri = self.uri_of(self.header("to"))
        return uri.split(";")[0] if uri else None

    def contact_hostport(self):
        """(host, port) of the first Contact, or None for `*`/none."""
        uri = self.uri_of(self.header("contact"))
        if not uri or uri == "*":
            return None
        m = re.match(r"sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?", uri)
        if not m:
            return None
        return m.group(1), int(m.group(2)) if m.group(2) else 5060

    def expires(self):
        """The requested registration lifetime: Contact ;expires= wins over Expires."""
        contact = self.header("contact") or ""
        params = contact.split(">", 1)[1] if ">" in contact else contact
        m = re.search(r";\s*expires\s*=\s*(\d+)", params, re.I)
        if m:
            return int(m.group(1))
        value = self.header("expires")
        return int(value) if value is not None and value.strip().isdigit() else None

    def is_unregister(self):
        return self.method == "REGISTER" and self.expires() == 0

    def __repr__(self):
        return "SipMessage(%s %s %r)" % (self.direction, self.transport, self.start_line)


def parse_sipp_messages(text):
    """Splits a SIPp -trace_msg file into SipMessage objects."""
    out = []
    blocks = re.split(r"(?m)^-{20,} [^\n]*\n", text)
    for block in blocks:
        m = re.match(r"(UDP|TCP|TLS|SCTP) message (received|sent)[^\n]*\n\n?", block)
        if not m:
            continue
        out.append(SipMessage(m.group(2), m.group(1), block[m.end():].rstrip("\n") + "\n"))
    return out


def scenario(shared_name, own_name):
    """The SIPp scenario to use: the shared one in tests/integration/sipp/ when it exists and the
    test does not need behaviour only ours has, else ours in tests/integration/scenarios/."""
    shared = SIPP_DIR / shared_name
    if shared_name and shared.exists():
        return shared
    return SCENARIO_DIR / own_name


class SippRegistrar:
    """SIPp playing the registrar on 127.0.0.1:port; `messages()` reads its message log."""

    def __init__(self, workdir, scenario_file, transport="udp", port=None, keys=None, max_calls=1000,
                 name="sipp"):
        self.port = port or free_port(udp=True)
        self.transport = transport
        self.message_file = Path(workdir) / (name + "_messages.log")
        argv = ["sipp", "-sf", scenario_file, "-i", LOOPBACK, "-p", self.port, "-nostdin",
                "-trace_msg", "-message_file", self.message_file, "-m", max_calls,
                "-trace_err", "-error_file", Path(workdir) / (name + "_errors.log")]
        if transport == "tcp":
            argv += ["-t", "t1"]
        for key, value in (keys or {}).items():
            argv += ["-key", key, value]
        self.process = Process(name, argv, workdir)
        wait_ready(self.process, self._listening, 10,
                   "SIPp to listen on %s %d" % (transport, self.port))

    def _listening(self):
        if not self.process.alive():
            raise PeerDied("SIPp exited early:\n" + self.process.tail())
        return port_taken(self.port, udp=self.transport == "udp")

    @property
    def proxy(self):
        """The gateway's --gateway.voice-sip-proxy value for this registrar."""
        suffix = ";transport=tcp" if self.transport == "tcp" else ""
        return "%s:%d%s" % (LOOPBACK, self.port, suffix)

    def messages(self):
        try:
            text = self.message_file.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return []
        return parse_sipp_messages(text)

    def registers(self, aor=None):
        """REGISTER requests received, optionally only those for `aor` (sip:5001@tenant.test)."""
        return [m for m in self.messages() if m.direction == "received" and m.method == "REGISTER"
                and (aor is None or m.aor() == aor)]

    def responses(self, status=None):
        return [m for m in self.messages() if m.direction == "sent" and m.status is not None
                and (status is None or m.status == status)]

    def stop(self):
        return self.process.stop()


class SilentRegistrar:
    """A registrar that never answers: reads and records SIP over UDP (and TCP), replies nothing."""

    def __init__(self, port=None):
        self.port = port or free_port(udp=True)
        self.received = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((LOOPBACK, self.port))
        self.udp.settimeout(0.1)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((LOOPBACK, self.port))
        self.tcp.listen(16)
        self.tcp.settimeout(0.1)
        self.connections = []
        self.threads = [threading.Thread(target=self._udp_loop, daemon=True),
                        threading.Thread(target=self._tcp_loop, daemon=True)]
        for t in self.threads:
            t.start()

    @property
    def proxy(self):
        return "%s:%d" % (LOOPBACK, self.port)

    def _udp_loop(self):
        while not self.stopping.is_set():
            try:
                data, _ = self.udp.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.received.append(SipMessage("received", "UDP", data.decode("utf-8", "replace")))

    def _tcp_loop(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections.append(conn)  # held open, never read: the peer just waits

    def registers(self):
        with self.lock:
            return [m for m in self.received if m.method == "REGISTER"]

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(2)
        for s in [self.udp, self.tcp] + self.connections:
            s.close()


class Kamailio:
    """Kamailio as in-memory registrar on UDP and TCP 127.0.0.1:port; `contacts(aor)` via kamcmd."""

    def __init__(self, workdir, port=None, defines=(), cfg=KAMAILIO_CFG):
        self.port = port or free_port(udp=True)
        # The ctl socket path must fit in sun_path (Kamailio allows 104 bytes): a short folder.
        self.rundir = Path(tempfile.mkdtemp(prefix="wrtc-kam-"))
        self.ctl = self.rundir / "kamailio_ctl"
        argv = ["kamailio", "-DD", "-E", "-f", cfg,
                "-l", "udp:%s:%d" % (LOOPBACK, self.port), "-l", "tcp:%s:%d" % (LOOPBACK, self.port),
                "-Y", self.rundir, "-m", 64, "-M", 8]
        for define in defines:
            argv += ["-A", define]
        self.process = Process("kamailio", argv, workdir)
        try:
            wait_ready(self.process, self._ready, 20, "Kamailio to answer on its ctl socket")
        except BaseException:
            shutil.rmtree(self.rundir, ignore_errors=True)
            raise

    def _ready(self):
        if not self.process.alive():
            raise PeerDied("Kamailio exited early:\n" + self.process.tail())
        return self.ctl.exists() and self.kamcmd("core.uptime")[0] == 0

    def proxy(self, transport="udp"):
        return "%s:%d%s" % (LOOPBACK, self.port, ";transport=tcp" if transport == "tcp" else "")

    def kamcmd(self, *args):
        r = subprocess.run(["kamcmd", "-s", "unixs:%s" % self.ctl] + list(args),
                           capture_output=True, text=True, timeout=10)
        return r.returncode, r.stdout + r.stderr

    def ul_dump(self):
        code, text = self.kamcmd("ul.dump")
        if code != 0:
            raise AssertionError("kamcmd ul.dump failed: %s" % text)
        return text

    def contacts(self, aor):
        """Contact addresses registered for `aor` (5001@tenant.test); [] when none."""
        dump = self.ul_dump()
        out, current = [], None
        for line in dump.splitlines():
            line = line.strip()
            if line.startswith("AoR:"):
                current = line[4:].strip()
            elif line.startswith("Address:") and current == aor:
                out.append(line[8:].strip())
        return out

    def stop(self):
        try:
            return self.process.stop()
        finally:
            shutil.rmtree(self.rundir, ignore_errors=True)


# -- the gateway -----------------------------------------------------------------------------


def gateway_binary():
    configured = os.environ.get("WRTC_GATEWAY")
    if configured:
        return Path(configured)
    for candidate in (REPO / "build" / "apps" / "wrtc-gateway",
                      REPO.parent / "build" / "apps" / "wrtc-gateway"):
        if candidate.exists():
            return candidate
    return REPO / "build" / "apps" / "wrtc-gateway"


MEDIA_BLOCK = 64
MEDIA_LOW, MEDIA_HIGH = 20000, 32000  # below Linux's ephemeral range (32768-60999)


def media_block():
    """The first port of a random block of MEDIA_BLOCK ports (UDP) below the ephemeral range."""
    rng = secrets.SystemRandom()
    for _ in range(100):
        base = MEDIA_LOW + rng.randrange((MEDIA_HIGH - MEDIA_LOW) // MEDIA_BLOCK) * MEDIA_BLOCK
        if all(_bindable(base + i, socket.SOCK_DGRAM) for i in (0, MEDIA_BLOCK // 2, MEDIA_BLOCK - 1)):
            return base
    raise RuntimeError("no free media port block")


class Gateway:
    """The wrtc-gateway binary started on free ports against a stand-in and a registrar.

    `options` override or (with None) remove command-line options; `gws_client=None` and
    `gws_secret=False` leave the GWS credentials out of the environment (for secret files)."""

    def __init__(self, workdir, standin, proxy, options=None, env=None, gws_client=CLIENT_ID,
                 gws_secret=None, name="gateway", ready_timeout=20):
        binary = gateway_binary()
        if not binary.exists():
            raise AssertionError("gateway binary not found at %s (set WRTC_GATEWAY)" % binary)
        self.http_port = free_port()
        self.metrics_port = free_port()
        self.sip_port = free_port(udp=True)
        media_min = media_block()
        self.options = {
            "http.address": LOOPBACK,
            "http.port": self.http_port,
            "metrics.port": self.metrics_port,
            "sip.address": LOOPBACK,
            "sip.port": self.sip_port,
            "media.address": LOOPBACK,
            "gateway.voice-sip-proxy": proxy,
            "gateway.auth-service": standin.auth_url,
            "gateway.env-service": standin.env_url,
            "gateway.cfg-service": standin.env_url,
            "gateway.auth-redirect-uri": "http://127.0.0.1/",
            "deployment.color": "blue",
            "http.allowed-origins": '["%s"]' % ALLOWED_ORIGIN,
            "session.poll-grace-period": "2s",
            "sip.register-timeout": "3s",
            # A block of its own so that gateways of parallel tests never share media ports.
            "media.port-min": media_min,
            "media.port-max": media_min + MEDIA_BLOCK - 1,
        }
        for key, value in (options or {}).items():
            if value is None:
                self.options.pop(key, None)
            else:
                self.options[key] = value
        self.argv = [binary] + ["--%s=%s" % (k, v) for k, v in self.options.items()]
        self.env = dict(os.environ)
        for variable in ("WRTC_GWS_CLIENT", "WRTC_GWS_SECRET", "WRTC_SIP_PASSWORD"):
            self.env.pop(variable, None)
        if gws_client is not None:
            self.env["WRTC_GWS_CLIENT"] = gws_client
        if gws_secret is not False:
            self.env["WRTC_GWS_SECRET"] = gws_secret if gws_secret is not None else standin.client_secret
        self.env.update(env or {})
        self.url = "http://%s:%d" % (LOOPBACK, self.http_port)
        self.metrics_url = "http://%s:%d/metrics" % (LOOPBACK, self.metrics_port)
        self.process = Process(name, self.argv, workdir, env=self.env)
        wait_ready(self.process, self._up, ready_timeout, "the gateway to answer GET /ping with 200")

    def _up(self):
        if not self.process.alive():
            raise PeerDied("the gateway exited early (code %s):\n%s" % (
                self.process.proc.returncode, self.process.tail()))
        status, _, _ = http("GET", self.url + "/ping", timeout=2)
        return status == 200

    def alive(self):
        return self.process.alive()

    def stop(self):
        return self.process.stop()

    # -- the signalling API ---------------------------------------------------------------

    def request(self, method, path, body=None, token=None, cookie=None, headers=None, timeout=15):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if cookie is not None:
            h["Cookie"] = "%s=%s" % (SESSION_COOKIE, cookie)
        return http(method, self.url + path, body, h, timeout=timeout)

    def sign_in(self, token, dn, **kw):
        return self.request("POST", "/v1/sign-in", {"dn": dn}, token=token, **kw)

    def events(self, session, after=0, timeout=1, token=None, cookie=None, http_timeout=None):
        query = "?after=%d" % after
        if timeout is not None:
            query += "&timeout=%s" % timeout
        wait = http_timeout if http_timeout is not None else (float(timeout or 30) + 15)
        return self.request("GET", "/v1/sessions/%s/events%s" % (session, query), token=token,
                            cookie=cookie, timeout=wait)

    def sign_out(self, session, token=None, cookie=None):
        return self.request("DELETE", "/v1/sessions/%s" % session, token=token, cookie=cookie)

    def metrics(self):
        return metrics(self.metrics_url)

    def metric(self, name, **labels):
        return metric(self.metrics(), name, **labels)


def new_agent_token():
    """A token the stand-in knows (agent-<name>), unique per call."""
    return "agent-a%s" % secrets.token_hex(6)


class EventPoller(threading.Thread):
    """Polls a session's events back to back (after = highest seq seen) until stopped; records
    every event and every failure, so a test can check that polling was never disturbed."""

    def __init__(self, gateway, session, token=None, cookie=None, timeout=1):
        super().__init__(daemon=True)
        self.gateway, self.session, self.token, self.cookie = gateway, session, token, cookie
        self.timeout = timeout
        self.after = 0
        self.events = []
        self.failures = []
        self.polls = 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                status, _, body = self.gateway.events(self.session, self.after, self.timeout,
                                                      token=self.token, cookie=self.cookie)
            except Exception as e:  # noqa: BLE001 - recorded and asserted on by the test
                self.failures.append(repr(e))
                time.sleep(0.1)
                continue
            self.polls += 1
            if status != 200:
                self.failures.append((status, body))
                time.sleep(0.1)
                continue
            for event in body.get("events", []):
                self.events.append(event)
                self.after = max(self.after, event.get("seq", 0))

    def stop(self):
        self.stopping.set()
        self.join(self.timeout + 20)


# -- the test base class ----------------------------------------------------------------------


def require(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise AssertionError("missing tools %s: run deploy/scripts/install-deps.sh" % missing)


class IntegrationTest(unittest.TestCase):
    """Gives each test a work folder and starters for peers that are stopped by cleanup; on
    failure prints every peer's output tail and keeps the folder."""

    maxDiff = None

    def setUp(self):
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.id().rsplit(".", 1)[-1])[:60]
        self.workdir = Path(tempfile.mkdtemp(prefix="wrtc-%s-" % safe))
        self.processes = []

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        outcome = super().run(result)
        workdir = getattr(self, "workdir", None)
        if len(result.failures) + len(result.errors) > before:
            for p in getattr(self, "processes", []):
                sys.stderr.write("\n" + p.tail() + "\n")
            if workdir is not None:
                sys.stderr.write("\n[%s] logs kept in %s\n" % (self.id(), workdir))
        elif workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        return outcome

    def _track(self, peer):
        if hasattr(peer, "process"):
            self.processes.append(peer.process)
        self.addCleanup(peer.stop)
        return peer

    def start_standin(self, **kw):
        return self._track(Standin(self.workdir, **kw))

    def start_sipp(self, scenario_file, **kw):
        require("sipp")
        return self._track(SippRegistrar(self.workdir, scenario_file, **kw))

    def start_silent_registrar(self):
        return self._track(SilentRegistrar())

    def start_kamailio(self, **kw):
        require("kamailio", "kamcmd")
        return self._track(Kamailio(self.workdir, **kw))

    def start_gateway(self, standin, proxy, **kw):
        return self._track(Gateway(self.workdir, standin, proxy, **kw))

    def start_poller(self, gateway, session, **kw):
        poller = EventPoller(gateway, session, **kw)
        poller.start()
        self.addCleanup(poller.stop)
        return poller

    # -- assertions ----------------------------------------------------------------------

    def assertError(self, answer, status, code, what=""):
        """An error answer: `status` and {"error":{"code":code,"message":...}}."""
        got_status, _, body = answer
        self.assertEqual(got_status, status, "%s: expected %d %s, got %d %r" % (
            what, status, code, got_status, body))
        self.assertIsInstance(body, dict, "%s: error body is not JSON: %r" % (what, body))
        error = body.get("error")
        self.assertIsInstance(error, dict, "%s: no error object: %r" % (what, body))
        self.assertEqual(error.get("code"), code, "%s: %r" % (what, body))
        self.assertIsInstance(error.get("message"), str, "%s: no message: %r" % (what, body))

    def assertSignedIn(self, answer, dn, what="sign-in"):
        status, headers, body = answer
        self.assertEqual(status, 200, "%s: %r" % (what, body))
        self.assertIsInstance(body, dict, "%s: %r" % (what, body))
        self.assertEqual(body.get("dn"), dn, "%s: %r" % (what, body))
        session = body.get("session")
        self.assertIsInstance(session, str, "%s: %r" % (what, body))
        return session

    def wait_metric(self, gateway, name, value, timeout=10, **labels):
        """Waits until the metric has `value`; fails with its last value."""
        wait_until(lambda: gateway.metric(name, **labels) == value, timeout,
                   lambda: "%s%s == %s (now %s)" % (name, labels or "", value,
                                                    _safe(lambda: gateway.metric(name, **labels))))

    def assertMetric(self, gateway, name, value, **labels):
        self.assertEqual(gateway.metric(name, **labels), value, "%s%s" % (name, labels or ""))

    def assertSessionCookie(self, headers, session):
        """Set-Cookie: WRTC_SESSION=<session>; Path=/; Secure; HttpOnly; SameSite=None."""
        cookies = [c for c in headers.get_all("Set-Cookie") or []
                   if c.strip().startswith(SESSION_COOKIE + "=")]
        self.assertEqual(len(cookies), 1, "Set-Cookie headers: %r" % headers.get_all("Set-Cookie"))
        parts = [p.strip() for p in cookies[0].split(";")]
        self.assertEqual(parts[0], "%s=%s" % (SESSION_COOKIE, session), cookies[0])
        attributes = {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else True)
                      for p in parts[1:]}
        self.assertEqual(attributes.get("path"), "/", cookies[0])
        self.assertIs(attributes.get("secure"), True, cookies[0])
        self.assertIs(attributes.get("httponly"), True, cookies[0])
        self.assertEqual(str(attributes.get("samesite")).lower(), "none", cookies[0])

    def assertRandomSessionId(self, session):
        """At least 128 bits: 32 hex digits or 22 base64url characters, nothing else."""
        self.assertRegex(session, r"^[A-Za-z0-9_-]+$")
        if re.fullmatch(r"[0-9a-fA-F]+", session):
            self.assertGreaterEqual(len(session), 32, session)
        else:
            self.assertGreaterEqual(len(session), 22, session)

    def first_events(self, gateway, session, token=None, cookie=None, after=0):
        """Polls once (events are expected to be there) and returns the events."""
        status, _, body = gateway.events(session, after=after, timeout=5, token=token, cookie=cookie)
        self.assertEqual(status, 200, body)
        self.assertIsInstance(body, dict, body)
        self.assertIsInstance(body.get("events"), list, body)
        return body["events"]

    def assertRegisteredEvent(self, events):
        self.assertTrue(events, "no event after sign-in")
        self.assertEqual(events[0].get("seq"), 1, events)
        self.assertEqual(events[0].get("type"), "session.registered", events)

    def assertSessionGone(self, gateway, session, token=None, cookie=None, reason=None):
        """An ended session's events answer 404, or 200 with a session.ended event."""
        status, _, body = gateway.events(session, after=0, timeout=1, token=token, cookie=cookie)
        if status == 404:
            return None
        self.assertEqual(status, 200, "events of an ended session: %s %r" % (status, body))
        ended = [e for e in body.get("events", []) if e.get("type") == "session.ended"]
        self.assertEqual(len(ended), 1, body)
        self.assertIn("reason", ended[0], body)
        if reason is not None:
            self.assertEqual(ended[0]["reason"], reason, body)
        return ended[0]

    def wait_register(self, registrar, aor, timeout=10, unregister=False):
        """Waits for a REGISTER (or an un-REGISTER: expires 0) for `aor` at a SIPp registrar."""
        def found():
            return [m for m in registrar.registers(aor) if m.is_unregister() == unregister]
        return wait_until(found, timeout, lambda: "%s for %s at the registrar (seen: %r)" % (
            "an un-REGISTER" if unregister else "a REGISTER", aor,
            _safe(lambda: [(m.aor(), m.expires()) for m in registrar.registers()])))[0]

    def assertContactIsGateway(self, register, gateway):
        hostport = register.contact_hostport()
        self.assertIsNotNone(hostport, register.text)
        self.assertEqual(hostport, (LOOPBACK, gateway.sip_port), register.text)


def _safe(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - only used to describe a failure
        return "<%r>" % (e,)


def sign_in_ok(test, gateway, token, dn):
    """Signs in and returns the session id, failing the test on anything but 200."""
    return test.assertSignedIn(gateway.sign_in(token, dn), dn)


def main():
    unittest.main(verbosity=2)
