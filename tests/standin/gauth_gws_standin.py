#!/usr/bin/env python3
"""Stand-in for GAuth (auth service) and GWS (environment + configuration service) for tests.

Three HTTP/1.1 servers on 127.0.0.1: the auth port speaks GAuth, the env port speaks GWS environment
and configuration, and the control port lets a test make either service slow, down or wrong, read
request statistics and add tokens. The protocol is documented in docs/integrations.md.

Usage:
  gauth_gws_standin.py --auth-port P1 --env-port P2 --control-port P3
                       [--client-id wrtc --client-secret s3cret] [--domain tenant.test]
Port 0 picks a free port. Once all three listen, one JSON line {"auth":P1,"env":P2,"control":P3}
is printed to stdout.

Python 3 standard library only.
"""

import argparse
import base64
import binascii
import json
import secrets
import signal
import socket
import sys
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

HOST = "127.0.0.1"
MAX_BODY = 1 << 20
DEFAULT_EXPIRES_IN = 3600
DEFAULT_CONTACT_CENTER = "cc-1"
AGENT_TOKEN_PREFIX = "agent-"

TOKEN_PATH = "/auth/v3/oauth/token"
USERINFO_PATH = "/auth/v3/userinfo"
CONTACT_CENTERS_PREFIX = "/environment/v3/contact-centers/"
CONFIGURATION_PREFIX = "/configuration/"
CFG_PING_PATH = "/configuration/v3/ping"

SERVICES = ("auth", "env", "cfg")
MODES = ("up", "down", "slow", "error500", "invalid_token", "garbage")
# A body that announces JSON but does not parse: an unterminated object.
GARBAGE_BODY = b'{"access_token": "garbage, "user_name": [}'


class StandinState:
    """Everything the three servers share. Touched from every handler thread: guarded by `lock`."""

    def __init__(self, client_id, client_secret, domain, expires_in):
        self.lock = threading.Lock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.default_domain = domain
        self.default_expires_in = expires_in
        # Issued service tokens survive /reset so that a running gateway keeps working.
        self.service_tokens = {}  # token -> monotonic expiry
        self.reset_locked()

    def reset_locked(self):
        self.expires_in = self.default_expires_in
        self.agent_tokens = {}  # token -> userinfo dict, added through control
        self.revoked = set()
        self.contact_centers = {
            DEFAULT_CONTACT_CENTER: {
                "id": DEFAULT_CONTACT_CENTER,
                "domain": self.default_domain,
                "name": "Contact center 1",
            }
        }
        self.modes = {s: {"mode": "up", "delay": 0.0} for s in SERVICES}
        self.requests = {}  # path -> count
        self.auth_scheme = {}  # path -> last Authorization scheme (None when absent)
        self.status = {}  # path -> {status: count}
        self.by_service = {s: 0 for s in SERVICES}

    # -- queries used by the handlers ------------------------------------------

    def record_request(self, service, path, scheme):
        with self.lock:
            self.requests[path] = self.requests.get(path, 0) + 1
            self.auth_scheme[path] = scheme
            self.by_service[service] += 1
            mode = self.modes[service]
            return mode["mode"], mode["delay"]

    def record_status(self, path, status):
        with self.lock:
            per_path = self.status.setdefault(path, {})
            key = str(status)
            per_path[key] = per_path.get(key, 0) + 1

    def issue_service_token(self):
        token = secrets.token_urlsafe(24)
        with self.lock:
            ttl = self.expires_in
            self.service_tokens[token] = time.monotonic() + ttl
        return token, ttl

    def service_token_valid(self, token):
        with self.lock:
            expiry = self.service_tokens.get(token)
            return expiry is not None and time.monotonic() < expiry

    def agent(self, token):
        with self.lock:
            if token in self.revoked:
                return None
            known = self.agent_tokens.get(token)
            if known is not None:
                return dict(known)
        if token.startswith(AGENT_TOKEN_PREFIX) and len(token) > len(AGENT_TOKEN_PREFIX):
            name = token[len(AGENT_TOKEN_PREFIX):]
            return {"user_name": name, "contact_center_id": DEFAULT_CONTACT_CENTER, "dn": None}
        return None

    def contact_center(self, cc_id):
        with self.lock:
            cc = self.contact_centers.get(cc_id)
            return dict(cc) if cc is not None else None

    def snapshot(self):
        with self.lock:
            return {
                "requests": dict(self.requests),
                "auth_scheme": dict(self.auth_scheme),
                "status": {p: dict(c) for p, c in self.status.items()},
                "services": dict(self.by_service),
                "modes": {s: dict(m) for s, m in self.modes.items()},
                "service_tokens_issued": len(self.service_tokens),
                "expires_in": self.expires_in,
            }


def authorization(headers):
    """Splits the Authorization header into (scheme, credentials); (None, "") when absent."""
    value = headers.get("Authorization")
    if value is None:
        return None, ""
    scheme, _, credentials = value.strip().partition(" ")
    return scheme, credentials.strip()


def json_bytes(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


class ServiceHandler(BaseHTTPRequestHandler):
    """Answers GAuth requests on the auth port and GWS requests on the env port."""

    protocol_version = "HTTP/1.1"
    server_version = "wrtc-standin/1"
    sys_version = ""
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass  # thousands of requests per second: no per-request log line

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    # -- plumbing ------------------------------------------------------------------

    def read_body(self):
        """Reads the request body (Content-Length or chunked); None when it is unreadable."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    return None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            return None
        if n < 0 or n > MAX_BODY:
            return None
        return self.rfile.read(n) if n else b""

    def answer(self, status, obj=None, raw=None, extra_headers=()):
        """Writes the whole answer in one send, always with Content-Length."""
        body = raw if raw is not None else json_bytes(obj if obj is not None else {})
        if self.command == "HEAD":
            payload = b""
        else:
            payload = body
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Status"
        lines = [
            "HTTP/1.1 %d %s" % (status, reason),
            "Server: " + self.server_version,
            "Date: " + formatdate(usegmt=True),
            "Content-Type: application/json",
            "Content-Length: %d" % len(body),
            "Cache-Control: no-store",
        ]
        lines.extend("%s: %s" % h for h in extra_headers)
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.server.state.record_status(self.route_path, status)
        self.wfile.write(head + payload)

    def drop(self):
        """Closes the connection without an answer, as a dead peer would."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def wait(self, delay):
        """Sleeps `delay` seconds; False when the service went down meanwhile."""
        endpoint = self.server.endpoint
        deadline = time.monotonic() + delay
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if endpoint.stopped.wait(min(left, 0.05)):
                return False

    # -- dispatch ------------------------------------------------------------------

    def dispatch(self):
        state = self.server.state
        path = urlsplit(self.path).path
        self.route_path = path
        service = self.server.endpoint.name
        if service == "env" and path.startswith(CONFIGURATION_PREFIX):
            service = "cfg"
        scheme, credentials = authorization(self.headers)
        mode, delay = state.record_request(service, path, scheme)
        body = self.read_body()
        if body is None:
            self.close_connection = True
            self.answer(400, {"error": "invalid_request", "error_description": "bad body"})
            return
        if mode == "slow" or delay > 0:
            if not self.wait(delay):
                self.drop()
                return
        if mode == "down":  # only reachable for cfg, which shares the env port
            self.drop()
            return
        if mode == "error500":
            self.answer(500, {"error": "internal_error"})
            return
        if mode == "garbage":
            self.answer(200, raw=GARBAGE_BODY)
            return
        if mode == "invalid_token" and (service != "auth" or path == USERINFO_PATH):
            self.answer(401, {"error": "invalid_token"},
                        extra_headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
            return
        if service == "auth":
            self.route_auth(path, scheme, credentials, body)
        elif service == "env":
            self.route_env(path, scheme, credentials)
        else:
            self.route_cfg(path)

    def route_auth(self, path, scheme, credentials, body):
        if path == TOKEN_PATH:
            if self.command != "POST":
                self.answer(405, {"error": "method_not_allowed"}, extra_headers=[("Allow", "POST")])
                return
            self.token(scheme, credentials, body)
        elif path == USERINFO_PATH:
            if self.command not in ("GET", "HEAD"):
                self.answer(405, {"error": "method_not_allowed"}, extra_headers=[("Allow", "GET")])
                return
            self.userinfo(scheme, credentials)
        else:
            self.answer(404, {"error": "not_found"})

    def token(self, scheme, credentials, body):
        state = self.server.state
        client_id = client_secret = None
        if scheme is not None and scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            user, sep, password = decoded.partition(":")
            if sep:
                # RFC 6749 2.3.1: both parts are form-encoded before Basic encoding.
                client_id, client_secret = unquote_plus(user), unquote_plus(password)
        with state.lock:
            good = (client_id is not None
                    and secrets.compare_digest(client_id, state.client_id)
                    and secrets.compare_digest(client_secret, state.client_secret))
        if not good:
            self.answer(401, {"error": "invalid_client"},
                        extra_headers=[("WWW-Authenticate", 'Basic realm="gauth"')])
            return
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            form = {}
        grant = form.get("grant_type", [None])[0]
        if grant is None:
            self.answer(400, {"error": "invalid_request", "error_description": "grant_type missing"})
            return
        if grant != "client_credentials":
            self.answer(400, {"error": "unsupported_grant_type"})
            return
        token, ttl = state.issue_service_token()
        self.answer(200, {"access_token": token, "token_type": "bearer", "expires_in": ttl})

    def userinfo(self, scheme, credentials):
        agent = None
        if scheme is not None and scheme.lower() == "bearer" and credentials:
            agent = self.server.state.agent(credentials)
        if agent is None:
            self.answer(401, {"error": "invalid_token"},
                        extra_headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
            return
        self.answer(200, agent)

    def route_env(self, path, scheme, credentials):
        state = self.server.state
        if not path.startswith(CONTACT_CENTERS_PREFIX):
            self.answer(404, {"error": "not_found"})
            return
        if not (scheme is not None and scheme.lower() == "bearer"
                and state.service_token_valid(credentials)):
            self.answer(401, {"error": "invalid_token"},
                        extra_headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
            return
        if self.command not in ("GET", "HEAD"):
            self.answer(405, {"error": "method_not_allowed"}, extra_headers=[("Allow", "GET")])
            return
        cc = state.contact_center(unquote(path[len(CONTACT_CENTERS_PREFIX):]))
        if cc is None:
            self.answer(404, {"error": "not_found"})
            return
        self.answer(200, cc)

    def route_cfg(self, path):
        if path == CFG_PING_PATH:
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"error": "not_found"})


class ServiceServer(ThreadingHTTPServer):
    """One listening socket; remembers its open connections so that `down` can cut them."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 4096

    def __init__(self, endpoint, state):
        self.endpoint = endpoint
        self.state = state
        self.connections = set()
        self.connections_lock = threading.Lock()
        super().__init__((HOST, endpoint.port), ServiceHandler)

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def cut_connections(self):
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ValueError)):
            return  # peers vanish and services are cut on purpose
        super().handle_error(request, client_address)


class ServiceEndpoint:
    """A service's port: `down` closes its listening socket and connections, `up` reopens it."""

    def __init__(self, name, port, state):
        self.name = name
        self.port = port
        self.state = state
        self.server = None
        self.thread = None
        self.stopped = threading.Event()
        self.lock = threading.Lock()  # serialises up/down

    def up(self):
        with self.lock:
            if self.server is not None:
                return
            self.stopped = threading.Event()
            server = ServiceServer(self, self.state)
            self.port = server.server_address[1]
            self.server = server
            self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                           name="%s-accept" % self.name, daemon=True)
            self.thread.start()

    def down(self):
        with self.lock:
            server, self.server = self.server, None
            if server is None:
                return
            self.stopped.set()
            server.shutdown()
            server.server_close()
            server.cut_connections()
            self.thread.join(timeout=5)

    def is_up(self):
        with self.lock:
            return self.server is not None


class ControlHandler(BaseHTTPRequestHandler):
    """The test's remote control."""

    protocol_version = "HTTP/1.1"
    server_version = "wrtc-standin-control/1"
    sys_version = ""
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def answer(self, status, obj):
        body = json_bytes(obj)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_json(self):
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.close_connection = True
            raise ValueError("bad Content-Length")
        raw = self.rfile.read(n) if n else b""
        if not raw.strip():
            return {}
        obj = json.loads(raw)
        if not isinstance(obj, dict):
            raise ValueError("body must be a JSON object")
        return obj

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/stats":
            self.answer(200, self.server.standin.stats())
        elif path == "/health":
            self.answer(200, {"ok": True})
        elif path == "/service-tokens":
            self.answer(200, {"tokens": self.server.standin.issued_service_tokens()})
        else:
            self.answer(404, {"error": "not_found"})

    def do_POST(self):
        path = urlsplit(self.path).path
        try:
            body = self.read_json()
            standin = self.server.standin
            if path == "/mode":
                result = standin.set_mode(body)
            elif path == "/tokens":
                result = standin.add_tokens(body)
            elif path == "/settings":
                result = standin.settings(body)
            elif path == "/reset":
                result = standin.reset()
            else:
                self.answer(404, {"error": "not_found"})
                return
        except (ValueError, TypeError, KeyError) as e:
            self.answer(400, {"error": "bad_request", "message": str(e)})
            return
        self.answer(200, result)


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, standin):
        self.standin = standin
        super().__init__((HOST, port), ControlHandler)


class Standin:
    """The auth and env endpoints plus the state the control API changes."""

    def __init__(self, args):
        self.state = StandinState(args.client_id, args.client_secret, args.domain, args.expires_in)
        self.endpoints = {
            "auth": ServiceEndpoint("auth", args.auth_port, self.state),
            "env": ServiceEndpoint("env", args.env_port, self.state),
        }
        for endpoint in self.endpoints.values():
            endpoint.up()
        self.control = ControlServer(args.control_port, self)

    def ports(self):
        return {"auth": self.endpoints["auth"].port, "env": self.endpoints["env"].port,
                "control": self.control.server_address[1]}

    def stats(self):
        snap = self.state.snapshot()
        snap["ports"] = self.ports()
        snap["listening"] = {name: e.is_up() for name, e in self.endpoints.items()}
        return snap

    def issued_service_tokens(self):
        with self.state.lock:
            return sorted(self.state.service_tokens)

    def set_mode(self, body):
        service = body.get("service")
        mode = body.get("mode")
        if service not in SERVICES:
            raise ValueError("service must be one of %s" % ", ".join(SERVICES))
        if mode not in MODES:
            raise ValueError("mode must be one of %s" % ", ".join(MODES))
        delay = float(body.get("delay", 0) or 0)
        if delay < 0 or delay > 3600:
            raise ValueError("delay out of range")
        if mode == "slow" and delay == 0:
            delay = 5.0
        with self.state.lock:
            self.state.modes[service] = {"mode": mode, "delay": delay}
        endpoint = self.endpoints.get(service)
        if endpoint is not None:
            if mode == "down":
                endpoint.down()
            else:
                endpoint.up()
        return {"service": service, "mode": mode, "delay": delay}

    def add_tokens(self, body):
        agents = body.get("agents", {})
        ccs = body.get("contact_centers", {})
        revoke = body.get("revoke", [])
        if not isinstance(agents, dict) or not isinstance(ccs, dict) or not isinstance(revoke, list):
            raise ValueError("agents and contact_centers must be objects, revoke a list")
        with self.state.lock:
            for token, info in agents.items():
                if not isinstance(info, dict):
                    raise ValueError("agent %r must be an object" % token)
                entry = {"user_name": info.get("user_name", token),
                         "contact_center_id": info.get("contact_center_id", DEFAULT_CONTACT_CENTER),
                         "dn": info.get("dn")}
                for key, value in info.items():
                    entry.setdefault(key, value)
                self.state.agent_tokens[token] = entry
                self.state.revoked.discard(token)
            for cc_id, info in ccs.items():
                if not isinstance(info, dict):
                    raise ValueError("contact center %r must be an object" % cc_id)
                entry = {"id": cc_id, "domain": info.get("domain", self.state.default_domain),
                         "name": info.get("name", cc_id)}
                for key, value in info.items():
                    entry.setdefault(key, value)
                self.state.contact_centers[cc_id] = entry
            for token in revoke:
                self.state.revoked.add(str(token))
            if body.get("revoke_service_tokens"):
                self.state.service_tokens.clear()
            return {"agents": len(self.state.agent_tokens),
                    "contact_centers": sorted(self.state.contact_centers),
                    "revoked": len(self.state.revoked)}

    def settings(self, body):
        with self.state.lock:
            if "expires_in" in body:
                ttl = int(body["expires_in"])
                if ttl < 1:
                    raise ValueError("expires_in must be positive")
                self.state.expires_in = ttl
            if "client_id" in body:
                self.state.client_id = str(body["client_id"])
            if "client_secret" in body:
                self.state.client_secret = str(body["client_secret"])
            return {"expires_in": self.state.expires_in, "client_id": self.state.client_id}

    def reset(self):
        for endpoint in self.endpoints.values():
            endpoint.up()
        with self.state.lock:
            self.state.reset_locked()
        return {"reset": True}

    def serve(self):
        self.control.serve_forever(poll_interval=0.1)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--auth-port", type=int, default=0)
    p.add_argument("--env-port", type=int, default=0)
    p.add_argument("--control-port", type=int, default=0)
    p.add_argument("--client-id", default="wrtc")
    p.add_argument("--client-secret", default="s3cret")
    p.add_argument("--domain", default="tenant.test")
    p.add_argument("--expires-in", type=int, default=DEFAULT_EXPIRES_IN,
                   help="lifetime in seconds of the service tokens issued")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    standin = Standin(args)
    # SIGTERM ends the process like Ctrl-C: daemon threads die with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps(standin.ports()), flush=True)
    try:
        standin.serve()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
