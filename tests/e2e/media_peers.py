"""Peers of the end-to-end call tests: a SIP-side RTP endpoint that records and echoes G.711 and
measures a tone in it, a tone WAV for Chromium's fake microphone, and headless Chromium driving
the web/ client. Python 3 standard library plus Debian's python3-selenium."""

import math
import socket
import struct
import tempfile
import threading
import time
import wave
from pathlib import Path

TONE_HZ = 1000.0


def write_tone_wav(path, seconds=20, rate=48000, hz=TONE_HZ, amplitude=0.3):
    """A mono 16-bit sine for --use-file-for-fake-audio-capture."""
    frames = bytearray()
    for n in range(int(seconds * rate)):
        frames += struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * hz * n / rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


def ulaw_to_linear(byte):
    """ITU-T G.711 mu-law expansion of one byte."""
    u = ~byte & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = ((mantissa << 3) + 0x84) << exponent
    value = magnitude - 0x84
    return -value if sign else value


def alaw_to_linear(byte):
    """ITU-T G.711 A-law expansion of one byte."""
    a = byte ^ 0x55
    sign = a & 0x80
    exponent = (a >> 4) & 0x07
    mantissa = a & 0x0F
    if exponent == 0:
        value = (mantissa << 4) + 8
    else:
        value = ((mantissa << 4) + 0x108) << (exponent - 1)
    return value if sign else -value


def goertzel_ratio(samples, rate, hz):
    """Share of the signal's power at `hz` (0..1)."""
    if not samples:
        return 0.0
    k = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    tone = s1 * s1 + s2 * s2 - k * s1 * s2
    total = sum(x * x for x in samples) * len(samples) / 2
    return tone / total if total > 0 else 0.0


class RtpPeer:
    """A symmetric RTP endpoint on 127.0.0.1: records what arrives and echoes it to the sender."""

    def __init__(self, echo=True):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.echo = echo
        self.packets = []  # (payload type, seq, timestamp, ssrc, payload)
        self.malformed = 0
        self.sources = set()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                data, source = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12 or (data[0] >> 6) != 2:
                self.malformed += 1
                continue
            pt = data[1] & 0x7F
            if 72 <= pt <= 79:  # RTCP (rtcp-mux is not used on the SIP side, but be tolerant)
                continue
            seq, ts, ssrc = struct.unpack("!HII", data[2:12])
            cc = data[0] & 0x0F
            payload = data[12 + 4 * cc:]
            with self._lock:
                self.packets.append((pt, seq, ts, ssrc, payload))
                self.sources.add(source)
            if self.echo:
                self.sock.sendto(data, source)

    def count(self, pt=None):
        with self._lock:
            return sum(1 for p in self.packets if pt is None or p[0] == pt)

    def tone_ratio(self, hz=TONE_HZ, last=100):
        """Share of power at `hz` in the last `last` G.711 packets (PCMU 0 or PCMA 8)."""
        with self._lock:
            audio = [p for p in self.packets if p[0] in (0, 8)][-last:]
        samples = []
        for pt, _, _, _, payload in audio:
            decode = ulaw_to_linear if pt == 0 else alaw_to_linear
            samples.extend(decode(b) for b in payload)
        return goertzel_ratio(samples, 8000, hz)

    def sequence_ok(self):
        """Consecutive G.711 packets of one SSRC have seq +1 and timestamp +samples."""
        with self._lock:
            audio = [p for p in self.packets if p[0] in (0, 8)]
        for a, b in zip(audio, audio[1:]):
            if a[3] != b[3]:
                continue
            if (a[1] + 1) & 0xFFFF != b[1]:
                return False, "seq %d then %d" % (a[1], b[1])
            if (a[2] + len(a[4])) & 0xFFFFFFFF != b[2]:
                return False, "timestamp %d then %d after %d samples" % (a[2], b[2], len(a[4]))
        return True, ""

    def stop(self):
        self._stop.set()
        self.sock.close()
        self._thread.join(timeout=2)


class Browser:
    """Headless Chromium with a fake microphone playing a tone, on a page of the gateway."""

    def __init__(self, url, tone_wav):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        self.profile = tempfile.mkdtemp(prefix="wrtc-chromium-")
        for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + self.profile,
                    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                    "--use-file-for-fake-audio-capture=%s" % tone_wav,
                    "--allow-loopback-in-peer-connection",
                    "--disable-features=WebRtcHideLocalIpsWithMdns",
                    "--autoplay-policy=no-user-gesture-required"]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_script_timeout(60)
        self.driver.get(url)

    def run(self, body, *args):
        """Runs async JS `body` (with `done(value)` and `args` in scope); returns its value or
        raises with the page's error."""
        script = """
            const done = arguments[arguments.length - 1];
            const args = Array.prototype.slice.call(arguments, 0, arguments.length - 1);
            (async () => { %s })().then(
              (v) => done({ok: true, value: v === undefined ? null : v}),
              (e) => done({ok: false, error: String(e && (e.code || '') + ' ' + (e.message || e))}));
        """ % body
        result = self.driver.execute_async_script(script, *args)
        if not result.get("ok"):
            raise AssertionError("browser: " + result.get("error", "?"))
        return result.get("value")

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # the browser may be gone already
            pass
