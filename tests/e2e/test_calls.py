"""End-to-end calls: headless Chromium runs the web/ client against the real gateway; Kamailio is
the voice SIP proxy; SIPp plays the far end (SBC/media platform) with a Python RTP peer as its
media. Audio is checked both ways: the SIP side must receive G.711 carrying the browser's tone,
and the browser's getStats() must show inbound audio with energy and few losses.

Run inside a private network namespace whose only interface is loopback (ctest does this), so
that Chromium and the gateway never use another interface:
    unshare -n -- sh -c 'ip link set lo up && exec python3 tests/e2e/test_calls.py'
"""

import os
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from harness import DOMAIN, LOOPBACK, IntegrationTest, Process, free_port, wait_until  # noqa: E402
from media_peers import Browser, RtpPeer, write_tone_wav  # noqa: E402

PROXY_CFG = harness.REPO / "tests" / "integration" / "kamailio" / "proxy.cfg"
WEB_ROOT = harness.REPO / "web"


class CallTest(IntegrationTest):
    """One gateway, Kamailio, a far-end SIPp port and a browser per test."""

    def setUp(self):
        super().setUp()
        harness.require("sipp", "kamailio", "chromium", "chromedriver")
        self.far_port = free_port(udp=True)
        self.standin = self.start_standin()
        self.kamailio = self.start_kamailio(
            cfg=PROXY_CFG, defines=['UAS_ADDR="%s:%d"' % (LOOPBACK, self.far_port)])
        self.gateway = self.start_gateway(self.standin, self.kamailio.proxy(), options={
            "http.web-root": WEB_ROOT,
            "session.poll-grace-period": "30s",
            "sip.register-timeout": "5s",
            "gateway.log-level": os.environ.get("WRTC_E2E_LOG_LEVEL", "info"),
        })
        self.rtp = RtpPeer()
        self.addCleanup(self.rtp.stop)
        tone = write_tone_wav(self.workdir / "tone.wav")
        self.browser = Browser(self.gateway.url + "/", tone)
        self.addCleanup(self.browser.quit)
        self.token = harness.new_agent_token()
        self.browser.run("""
            window.events = [];
            window.agent = new WrtcClient({token: args[0], pollTimeout: 5});
            agent.on('*', (e) => window.events.push(e));
            agent.on('track', (e) => {
              const audio = new Audio();
              audio.srcObject = e.streams[0] || new MediaStream([e.track]);
              audio.play().catch(() => {});
              window.remoteAudio = audio;
            });
            window.mic = await navigator.mediaDevices.getUserMedia({audio: true});
            return await agent.signIn(args[1]);
        """, self.token, "5001")
        wait_until(lambda: self.kamailio.contacts("5001@%s" % DOMAIN), 10,
                   "the DN to be registered at Kamailio")

    # -- helpers ---------------------------------------------------------------------------

    def events(self, kind):
        return self.browser.run("return window.events.filter((e) => e.type === args[0]);", kind)

    def wait_event(self, kind, timeout=20):
        return wait_until(lambda: self.events(kind), timeout,
                          lambda: "browser event %s (got %r)" % (
                              kind, [e.get("type", e) for e in self.browser.run("return window.events;")]))[0]

    def start_far_end(self, scenario, name="far", keys=None, service=None, target=None, port=None,
                      hold_ms=None):
        argv = ["sipp"]
        if target:
            argv.append(target)
        argv += ["-sf", HERE / scenario, "-i", LOOPBACK, "-p", port or self.far_port, "-m", 1,
                 "-nostdin", "-trace_msg", "-message_file", self.workdir / (name + "_messages.log"),
                 "-trace_err", "-error_file", self.workdir / (name + "_errors.log"),
                 "-key", "rtp_ip", LOOPBACK, "-key", "rtp_port", self.rtp.port,
                 "-key", "domain", DOMAIN]
        if service:
            argv += ["-s", service]
        if hold_ms:
            argv += ["-d", hold_ms]
        for key, value in (keys or {}).items():
            argv += ["-key", key, value]
        process = Process(name, argv, self.workdir)
        self.processes.append(process)
        self.addCleanup(process.stop)
        return process

    def far_messages(self, name="far"):
        path = self.workdir / (name + "_messages.log")
        return path.read_text(errors="replace") if path.exists() else ""

    def inbound_stats(self, call):
        return self.browser.run("""
            const pc = agent.peerConnection(args[0]);
            if (!pc) return null;
            const report = await pc.getStats();
            let found = null;
            report.forEach((s) => {
              if (s.type === 'inbound-rtp' && s.kind === 'audio')
                found = {packetsReceived: s.packetsReceived, packetsLost: s.packetsLost,
                         jitter: s.jitter, totalAudioEnergy: s.totalAudioEnergy || 0,
                         audioLevel: s.audioLevel || 0, totalSamplesReceived: s.totalSamplesReceived,
                         concealedSamples: s.concealedSamples,
                         silentConcealedSamples: s.silentConcealedSamples,
                         codecId: s.codecId, playing: window.remoteAudio ? !window.remoteAudio.paused : null};
            });
            return found;
        """, call)

    def assert_two_way_audio(self, call):
        # SIP side: G.711 carrying the browser's tone, RTP fields continuous.
        wait_until(lambda: self.rtp.count() >= 100, 20,
                   lambda: "100 RTP packets at the SIP side (got %d)" % self.rtp.count())
        wait_until(lambda: self.rtp.tone_ratio() > 0.5, 10,
                   lambda: "the browser's tone in the SIP side's audio (ratio %.2f)"
                   % self.rtp.tone_ratio())
        ok, why = self.rtp.sequence_ok()
        self.assertTrue(ok, "SIP-side RTP sequence/timestamps: " + why)
        # Browser side: inbound audio with energy and few losses.
        def browser_hears():
            s = self.inbound_stats(call)
            return s and s["packetsReceived"] >= 100 and s["totalAudioEnergy"] > 0
        wait_until(browser_hears, 20, lambda: "browser inbound audio (stats %r)" % (
            self.inbound_stats(call),))
        stats = self.inbound_stats(call)
        self.assertLessEqual(stats["packetsLost"], stats["packetsReceived"] * 0.05, stats)

    def call_from_browser(self, number):
        return self.browser.run("return await agent.call(args[0], {stream: window.mic});", number)

    # -- tests -----------------------------------------------------------------------------

    def test_outbound_call_two_way_audio_and_hang_up_from_the_browser(self):
        far = self.start_far_end("uas_answer_rtp.xml")
        call = self.call_from_browser("9999")
        self.wait_event("call.ringing")
        answered = self.wait_event("call.answered")
        if os.environ.get("WRTC_E2E_DEBUG"):
            print("ANSWER", answered["sdp"], "OFFER", self.browser.run("return agent.peerConnection(args[0]).localDescription.sdp;", call))
        self.assertEqual(answered["call"], call)
        self.assertIn("a=fingerprint:sha-256", answered["sdp"])
        self.assert_two_way_audio(call)
        self.assertEqual(self.gateway.metric("wrtc_current_out_calls"), 1)
        self.assertEqual(self.gateway.metric("wrtc_current_xcoding_calls"), 1)
        self.browser.run("await agent.hangup(args[0]);", call)
        wait_until(lambda: far.proc.poll() is not None, 15, "the far end to get its BYE")
        self.assertEqual(far.proc.returncode, 0, self.far_messages())
        self.wait_metric(self.gateway, "wrtc_current_out_calls", 0)
        self.assertEqual(self.gateway.metric("wrtc_total_out_calls"), 1)
        self.assertEqual(self.gateway.metric("wrtc_current_xcoding_calls"), 0)

    def test_inbound_call_two_way_audio_and_hang_up_from_sip(self):
        caller = self.start_far_end("uac_call_rtp.xml", name="caller", service="5001",
                                    target="%s:%d" % (LOOPBACK, self.kamailio.port),
                                    port=free_port(udp=True), hold_ms=8000)
        incoming = self.wait_event("call.incoming")
        self.assertIn("customer", incoming["from"])
        self.assertIn("a=setup:actpass", incoming["sdp"])
        call = incoming["call"]
        self.browser.run("await agent.answer(args[0], {stream: window.mic});", call)
        self.assert_two_way_audio(call)
        self.assertEqual(self.gateway.metric("wrtc_current_in_calls"), 1)
        ended = self.wait_event("call.ended", timeout=30)
        self.assertEqual(ended["reason"], "remote_hangup", ended)
        wait_until(lambda: caller.proc.poll() is not None, 10, "the caller to finish")
        self.assertEqual(caller.proc.returncode, 0, self.far_messages("caller"))
        self.wait_metric(self.gateway, "wrtc_current_in_calls", 0)

    def test_outbound_call_hung_up_from_sip(self):
        far = self.start_far_end("uas_answer_then_bye.xml", hold_ms=3000)
        call = self.call_from_browser("9999")
        self.wait_event("call.answered")
        wait_until(lambda: self.rtp.count() >= 50, 20, "audio at the SIP side")
        ended = self.wait_event("call.ended", timeout=30)
        self.assertEqual(ended["call"], call)
        self.assertEqual(ended["reason"], "remote_hangup", ended)
        wait_until(lambda: far.proc.poll() is not None, 10, "the far end to finish")
        self.assertEqual(far.proc.returncode, 0, self.far_messages())
        self.wait_metric(self.gateway, "wrtc_current_out_calls", 0)

    def test_outbound_call_cancelled_while_ringing(self):
        far = self.start_far_end("uas_ring_then_cancel.xml")
        call = self.call_from_browser("9999")
        self.wait_event("call.ringing")
        self.browser.run("await agent.hangup(args[0]);", call)
        ended = self.wait_event("call.ended")
        self.assertEqual(ended["reason"], "local_hangup", ended)
        wait_until(lambda: far.proc.poll() is not None, 15, "the far end to see the CANCEL")
        self.assertEqual(far.proc.returncode, 0, self.far_messages())
        self.assertIn("CANCEL sip:", self.far_messages())
        self.wait_metric(self.gateway, "wrtc_current_out_calls", 0)

    def test_inbound_call_rejected_by_the_agent(self):
        caller = self.start_far_end("uac_call_rtp.xml", name="caller", service="5001",
                                    target="%s:%d" % (LOOPBACK, self.kamailio.port),
                                    port=free_port(udp=True), hold_ms=1000)
        incoming = self.wait_event("call.incoming")
        self.browser.run("await agent.hangup(args[0]);", incoming["call"])
        ended = self.wait_event("call.ended")
        self.assertEqual(ended["reason"], "local_hangup", ended)
        wait_until(lambda: caller.proc.poll() is not None, 15, "the caller to be declined")
        self.assertIn("SIP/2.0 603", self.far_messages("caller"))
        self.wait_metric(self.gateway, "wrtc_current_in_calls", 0)

    def test_inbound_call_hung_up_by_the_agent(self):
        self.start_far_end("uac_call_rtp.xml", name="caller", service="5001",
                           target="%s:%d" % (LOOPBACK, self.kamailio.port),
                           port=free_port(udp=True), hold_ms=30000)
        incoming = self.wait_event("call.incoming")
        self.browser.run("await agent.answer(args[0], {stream: window.mic});", incoming["call"])
        wait_until(lambda: self.rtp.count() >= 50, 20, "audio at the SIP side")
        self.browser.run("await agent.hangup(args[0]);", incoming["call"])
        ended = self.wait_event("call.ended")
        self.assertEqual(ended["reason"], "local_hangup", ended)
        wait_until(lambda: "BYE sip:" in self.far_messages("caller"), 10, "the BYE at the caller")
        self.wait_metric(self.gateway, "wrtc_current_in_calls", 0)

    def post_doctored_offer(self, transform):
        """Places a call with the browser's offer changed by JS `transform(sdp)`; the browser never
        applies the answer. Returns the call id."""
        return self.browser.run("""
            const pc = new RTCPeerConnection();
            window.mic.getTracks().forEach((t) => pc.addTrack(t, window.mic));
            await pc.setLocalDescription(await pc.createOffer());
            await new Promise((r) => { if (pc.iceGatheringState === 'complete') r();
              pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
              setTimeout(r, 5000); });
            const sdp = (%s)(pc.localDescription.sdp);
            window.doctoredPc = pc;
            const answer = await agent._request('POST', '/v1/sessions/' + agent.session + '/calls',
                                                {to: '9999', sdp});
            window.doctoredAnswer = null;
            agent.on('call.answered', (e) => { window.doctoredAnswer = e.sdp; });
            return answer.call;
        """ % transform)

    def test_failure_of_ice_ends_the_call_with_a_bye(self):
        far = self.start_far_end("uas_answer_rtp.xml")
        # The browser never applies the answer (it sends no checks) and its only candidate is a
        # port nobody answers on: the gateway's checks fail.
        call = self.post_doctored_offer("""(sdp) => sdp.split('\\r\\n')
            .filter((l) => !l.startsWith('a=candidate'))
            .map((l) => l.startsWith('a=mid:') ? l + '\\r\\na=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host\\r\\na=end-of-candidates' : l)
            .join('\\r\\n')""")
        self.wait_event("call.answered")
        ended = self.wait_event("call.ended", timeout=30)
        self.assertEqual(ended["call"], call)
        self.assertEqual(ended["reason"], "media_failed", ended)
        wait_until(lambda: far.proc.poll() is not None, 10, "the far end to get its BYE")
        self.assertEqual(far.proc.returncode, 0, self.far_messages())
        self.assertGreaterEqual(self.gateway.metric("wrtc_system_error", type="turn_errors"), 1)
        self.wait_metric(self.gateway, "wrtc_current_out_calls", 0)

    def test_failure_of_dtls_fingerprint_check_ends_the_call(self):
        far = self.start_far_end("uas_answer_rtp.xml")
        # The offer announces a fingerprint that is not the browser's certificate.
        call = self.post_doctored_offer("""(sdp) => sdp.replace(/a=fingerprint:sha-256 (..)/,
            (m, b) => 'a=fingerprint:sha-256 ' + (b === '00' ? '11' : '00'))""")
        self.wait_event("call.answered")
        self.browser.run("""
            await window.doctoredPc.setRemoteDescription({type: 'answer', sdp: window.doctoredAnswer});
        """)
        ended = self.wait_event("call.ended", timeout=30)
        self.assertEqual(ended["call"], call)
        self.assertEqual(ended["reason"], "media_failed", ended)
        wait_until(lambda: far.proc.poll() is not None, 10, "the far end to get its BYE")
        self.assertEqual(self.rtp.count(), 0, "no audio may flow without a verified DTLS peer")
        self.assertEqual(self.gateway.metric("wrtc_system_error", type="turn_errors"), 0)

    def test_outbound_call_to_an_echo_without_telephone_event(self):
        # SIPp's built-in UAS answers PCMU only (no telephone-event) and echoes the audio back,
        # like the demo environment's echo number.
        media_port = free_port(udp=True)
        echo = Process("echo", ["sipp", "-sn", "uas", "-i", LOOPBACK, "-p", self.far_port,
                                "-mi", LOOPBACK, "-mp", media_port, "-rtp_echo", "-nostdin",
                                "-m", 1], self.workdir)
        self.processes.append(echo)
        self.addCleanup(echo.stop)
        call = self.call_from_browser("9999")
        self.wait_event("call.answered")
        def browser_hears():
            s = self.inbound_stats(call)
            return s and s["packetsReceived"] >= 100 and s["totalAudioEnergy"] > 0
        wait_until(browser_hears, 20, lambda: "the echo at the browser (stats %r)" % (
            self.inbound_stats(call),))
        self.browser.run("await agent.hangup(args[0]);", call)
        self.wait_event("call.ended")


if __name__ == "__main__":
    unittest.main(verbosity=2)
