#!/usr/bin/env bash
# Sets up and runs the gateway locally with a demo environment on loopback:
#   - a GAuth/GWS stand-in (tests/standin) on 127.0.0.1:18081 (GAuth) and :18082 (GWS)
#   - Kamailio as the voice SIP proxy / registrar on 127.0.0.1:5060, routing calls between signed-in
#     DNs, and every other number to an echo (SIPp) on 127.0.0.1:5090
#   - the demo softphone at http://127.0.0.1:8086/ (open it in a browser on this machine)
#   - wrtc-gateway: signalling API on :8086, metrics on :10052, SIP on :5070
# Ctrl-C stops everything. Any token "agent-<name>" signs in as <name> of contact center cc-1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/deploy/scripts/install-deps.sh" --run
"$root/deploy/scripts/build.sh"
build="${WRTC_BUILD_DIR:-$root/build}"

run=$(mktemp -d /tmp/wrtc-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo stopped; logs were in $run"
}
trap cleanup EXIT INT TERM

python3 "$root/tests/standin/gauth_gws_standin.py" --auth-port 18081 --env-port 18082 \
  --control-port 18083 --domain demo.wrtc > "$run/standin.log" 2>&1 &
pids+=($!)

# The far end of every number that is not a signed-in DN: an echo (you hear yourself).
sipp -sn uas -i 127.0.0.1 -p 5090 -mi 127.0.0.1 -rtp_echo -nostdin > "$run/echo.log" 2>&1 &
pids+=($!)

kamailio -DD -E -f "$root/tests/integration/kamailio/proxy.cfg" -A 'UAS_ADDR="127.0.0.1:5090"' \
  -l udp:127.0.0.1:5060 -l tcp:127.0.0.1:5060 -Y "$run" -m 64 -M 8 > "$run/kamailio.log" 2>&1 &
pids+=($!)

WRTC_GWS_CLIENT=wrtc WRTC_GWS_SECRET=s3cret "$build/apps/wrtc-gateway" \
  --http.address=127.0.0.1 --http.port=8086 --metrics.address=127.0.0.1 --metrics.port=10052 \
  --sip.address=127.0.0.1 --sip.port=5070 --media.address=127.0.0.1 \
  --gateway.voice-sip-proxy=127.0.0.1:5060 \
  --gateway.auth-service=http://127.0.0.1:18081 --gateway.env-service=http://127.0.0.1:18082 \
  --gateway.cfg-service=http://127.0.0.1:18082 --gateway.auth-redirect-uri=http://127.0.0.1:8086/ \
  --http.allowed-origins='["http://127.0.0.1:8086","http://localhost:8086"]' \
  --http.web-root="$root/web" --gateway.log-path="$run/gateway.log" &
pids+=($!)

for _ in $(seq 1 100); do
  if curl -sf http://127.0.0.1:8086/ping >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -sf http://127.0.0.1:8086/ping >/dev/null || { echo "gateway did not start; see $run"; exit 1; }

cat <<TXT

wrtc demo is up (logs in $run).

Open http://127.0.0.1:8086/ in a browser on this machine: sign in (token agent-alice, DN 5001)
and call 9999 to hear yourself. Or with curl, sign in agent "alice" with DN 5001:
  curl -s -c /tmp/wrtc.cookies -H 'Authorization: Bearer agent-alice' \\
       -d '{"dn":"5001"}' http://127.0.0.1:8086/v1/sign-in
Read its events (long-poll; use the "session" value from the answer):
  curl -s -b /tmp/wrtc.cookies 'http://127.0.0.1:8086/v1/sessions/<session>/events?after=0'
Sign out:
  curl -s -b /tmp/wrtc.cookies -X DELETE http://127.0.0.1:8086/v1/sessions/<session>
Metrics:
  curl -s http://127.0.0.1:10052/metrics | grep ^wrtc_

Ctrl-C stops the demo.
TXT
wait "${pids[3]}"
