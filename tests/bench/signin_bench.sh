#!/usr/bin/env bash
# Agent sign-in benchmark: Kamailio registrar, GAuth/GWS stand-in and a fresh wrtc-gateway per run on
# 127.0.0.1, then `wrtc-loadgen signin` for each agent count (default 1,000 and 10,000).
#
# Prints a summary line per run and keeps everything (loadgen JSON, top samples, every peer's
# output) in BENCH_OUT. Asserts nothing about timing: it fails only when a peer does not start or a
# run had failed requests (the loadgen's exit code), so the figures are always worth reading.
#
# Environment (all optional):
#   WRTC_GATEWAY, WRTC_LOADGEN   binaries (default: <build>/apps/wrtc-gateway, wrtc-loadgen)
#   WRTC_BUILD_DIR               build folder (default: ../build beside the repository)
#   BENCH_AGENTS                 agent counts, e.g. "1000 10000"
#   BENCH_CONCURRENCY            sign-ins in flight (default 100)
#   BENCH_HOLD_SECONDS           idle time before memory is read (default 10)
#   BENCH_RUN_SECONDS            limit of one loadgen run (default 900)
#   BENCH_ROUNDS                 loadgen runs per gateway, to tell leaks from allocator reuse (default 1)
#   BENCH_GATEWAY_ARGS           extra gateway options, e.g. "--scheduler.policy=sharing"
#   BENCH_PAUSE_SECONDS          pause between rounds (default 0; ended sessions linger until their
#                                poll-grace check, 120 s here, so use 130 to see the steady state)
#   BENCH_OUT                    results folder (default: a new /tmp/wrtc-bench-signin.* folder)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${WRTC_BUILD_DIR:-$(cd "$REPO/.." && pwd)/build}
GATEWAY=${WRTC_GATEWAY:-$BUILD/apps/wrtc-gateway}
LOADGEN=${WRTC_LOADGEN:-$BUILD/apps/wrtc-loadgen}
STANDIN=$REPO/tests/standin/gauth_gws_standin.py
KAMAILIO_CFG=$REPO/tests/integration/kamailio/registrar.cfg
AGENT_COUNTS=${BENCH_AGENTS:-"1000 10000"}
CONCURRENCY=${BENCH_CONCURRENCY:-100}
HOLD=${BENCH_HOLD_SECONDS:-10}
RUN_SECONDS=${BENCH_RUN_SECONDS:-900}
ROUNDS=${BENCH_ROUNDS:-1}
PAUSE=${BENCH_PAUSE_SECONDS:-0}
read -r -a GATEWAY_ARGS <<<"${BENCH_GATEWAY_ARGS:-}"
OUT=${BENCH_OUT:-$(mktemp -d /tmp/wrtc-bench-signin.XXXXXX)}
LOOPBACK=127.0.0.1
CLIENT_ID=wrtc
CLIENT_SECRET=s3cret

mkdir -p "$OUT"
KAM_RUNDIR=$(mktemp -d /tmp/wrtc-kam.XXXXXX)  # the ctl socket path must stay short (sun_path)

# -- processes: each started in a session of its own, stopped by its pid (= its process group) --

STARTED=()

# start NAME CMD...: runs CMD in the background, output in $OUT/NAME.{stdout,stderr}; sets PID.
start() {
  local name=$1
  shift
  setsid "$@" </dev/null >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" &
  PID=$!
  STARTED+=("$PID")
}

# stop PID: SIGTERM to the process group PID leads (Kamailio's children included), SIGKILL after
# 10 s, then reaps it and forgets it. Until reaped, an exited child keeps its id (a zombie), so only
# our own processes are ever signalled.
stop() {
  local pid=$1 i
  forget "$pid" || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "bench: pid $pid ignored SIGTERM for 10 s: SIGKILL" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# forget PID: drops PID from STARTED; fails when it is not there (already stopped).
forget() {
  local keep=() p found=1
  for p in "${STARTED[@]}"; do
    if [ "$p" = "$1" ]; then found=0; else keep+=("$p"); fi
  done
  STARTED=("${keep[@]}")
  return $found
}

cleanup() {
  while [ ${#STARTED[@]} -gt 0 ]; do stop "${STARTED[${#STARTED[@]} - 1]}"; done
  rm -rf "$KAM_RUNDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench: $*" >&2
  for f in "$OUT"/*.stderr "$OUT"/*.stdout; do
    [ -s "$f" ] && { echo "---- tail of $f" >&2; tail -n 20 "$f" >&2; }
  done
  echo "bench: logs kept in $OUT" >&2
  exit 1
}

# wait_for SECONDS WHAT CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "timed out after $seconds s waiting for $what"
}

alive() { kill -0 "$1" 2>/dev/null; }

# A port free on 127.0.0.1 for TCP and UDP.
free_port() {
  python3 - <<'PY'
import socket
for _ in range(100):
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        u.close()
        t.close()
    print(port)
    break
PY
}

# -- checks ---------------------------------------------------------------------------------------

for tool in kamailio kamcmd python3 curl setsid timeout top; do
  command -v "$tool" >/dev/null || die "missing $tool (deploy/scripts/install-deps.sh)"
done
[ -x "$GATEWAY" ] || die "gateway binary not found at $GATEWAY (set WRTC_GATEWAY)"
[ -x "$LOADGEN" ] || die "loadgen binary not found at $LOADGEN (set WRTC_LOADGEN)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # inherited by the gateway and the loadgen

{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(grep MemTotal /proc/meminfo | tr -s ' ')"
  echo "kernel: $(uname -r)"
  echo "open files: soft $(ulimit -Sn), hard $(ulimit -Hn)"
  echo "gateway: $GATEWAY ($(stat -c '%y' "$GATEWAY"))"
  echo "commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null) ($(git -C "$REPO" status --porcelain 2>/dev/null | wc -l) changed files)"
  echo "kamailio: $(kamailio -v 2>/dev/null | head -n1)"
} | tee "$OUT/machine.txt"

# -- peers shared by every run ---------------------------------------------------------------------

start standin python3 "$STANDIN" --auth-port 0 --env-port 0 --control-port 0 \
  --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
STANDIN_PID=$PID
standin_ports() { head -n1 "$OUT/standin.stdout" | grep -q '}$'; }
wait_for 15 "the stand-in to print its ports" standin_ports
read -r AUTH_PORT ENV_PORT < <(head -n1 "$OUT/standin.stdout" |
  python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["auth"], p["env"])')

KAM_PORT=$(free_port)
# 256 MB of shared memory: 10,000 bindings plus transactions fit with room to spare.
start kamailio kamailio -DD -E -f "$KAMAILIO_CFG" \
  -l "udp:$LOOPBACK:$KAM_PORT" -l "tcp:$LOOPBACK:$KAM_PORT" -Y "$KAM_RUNDIR" -m 256 -M 8
KAM_PID=$PID
kam_ready() { alive "$KAM_PID" && kamcmd -s "unixs:$KAM_RUNDIR/kamailio_ctl" core.uptime; }
wait_for 20 "Kamailio to answer on its ctl socket" kam_ready
KAM_PIDS=$(pgrep -d, -g "$KAM_PID")
echo "stand-in pid $STANDIN_PID (auth $AUTH_PORT, env $ENV_PORT); kamailio pids $KAM_PIDS (port $KAM_PORT)"

# -- one run per agent count -----------------------------------------------------------------------

# summarise FILE: one line of the figures that matter from a loadgen JSON report.
summarise() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s, o, g = r["signin"], r["signout"], r["gateway"]
cpu = {w["name"]: w.get("cpu_percent") for w in r["watched_signin_cpu"]}
lat = s["latency_ms"] or {"p50": 0, "p99": 0, "max": 0}
loadgen = 100.0 * r["loadgen_signin_cpu_seconds"] / s["seconds"] if s["seconds"] else 0
print("agents %d: %.0f sign-ins/s (%d ok, errors %s), latency p50 %.1f ms p99 %.1f ms max %.1f ms; "
      "%s KiB RSS per idle agent (%s -> %s KiB, %s KiB after sign-out; idle CPU %s%%); %.0f sign-outs/s "
      "(errors %s); poll errors %s, lost sessions %s; CPU during sign-in: gateway %s%%, "
      "stand-in %s%%, kamailio %s%%, loadgen %.0f%%; metrics %s; ok %s"
      % (r["agents"], s["per_second"], s["succeeded"], s["errors"] or "none", lat["p50"],
         lat["p99"], lat["max"], g["rss_per_agent_kib"], g["rss_before_kib"], g["rss_idle_kib"],
         g["rss_after_signout_kib"], g["idle_cpu_percent"], o["per_second"], o["errors"] or "none",
         r["polling"]["errors"] or "none", r["polling"]["lost_sessions"] or "none",
         g["signin_cpu_percent"], cpu.get("standin"), cpu.get("kamailio"), loadgen,
         r["metrics"], r["ok"]))
PY
}

failed=0
for agents in $AGENT_COUNTS; do
  HTTP_PORT=$(free_port)
  METRICS_PORT=$(free_port)
  SIP_PORT=$(free_port)
  start "gateway_$agents" env WRTC_GWS_CLIENT="$CLIENT_ID" WRTC_GWS_SECRET="$CLIENT_SECRET" \
    "$GATEWAY" --http.address=$LOOPBACK --http.port="$HTTP_PORT" \
    --metrics.address=$LOOPBACK --metrics.port="$METRICS_PORT" \
    --sip.address=$LOOPBACK --sip.port="$SIP_PORT" --media.address=$LOOPBACK \
    --gateway.voice-sip-proxy="$LOOPBACK:$KAM_PORT" \
    --gateway.auth-service="http://$LOOPBACK:$AUTH_PORT" \
    --gateway.env-service="http://$LOOPBACK:$ENV_PORT" \
    --gateway.auth-redirect-uri=http://127.0.0.1/ \
    --session.poll-grace-period=120s --gateway.log-level=warning "${GATEWAY_ARGS[@]}"
  GW_PID=$PID
  gw_up() { alive "$GW_PID" && curl -sf "http://$LOOPBACK:$HTTP_PORT/ping"; }
  wait_for 20 "the gateway to answer GET /ping" gw_up

  # Process-level CPU and memory of every peer every 2 s, as evidence of who is busy.
  start "top_$agents" top -b -d 2 -p "$GW_PID,$STANDIN_PID,$KAM_PIDS"
  TOP_PID=$PID

  # Later rounds sign the same agents in again on the same gateway: RSS that keeps growing from
  # round to round is a leak, RSS that stays is the allocator keeping freed memory.
  for ((round = 1; round <= ROUNDS; round++)); do
    tag=$agents
    if [ "$round" -gt 1 ]; then
      tag=${agents}_round$round
      sleep "$PAUSE"
    fi
    cmd=("$LOADGEN" signin --gateway "http://$LOOPBACK:$HTTP_PORT" --agents "$agents"
      --concurrency "$CONCURRENCY" --hold-seconds "$HOLD" --gateway-pid "$GW_PID"
      --metrics "http://$LOOPBACK:$METRICS_PORT/metrics"
      --watch "standin=$STANDIN_PID" --watch "kamailio=$KAM_PIDS"
      --deadline-seconds "$RUN_SECONDS" --json)
    echo "run: ${cmd[*]}" | tee "$OUT/command_$tag.txt"
    echo "load average before the run (other users of the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout -s INT -k 30 $((RUN_SECONDS + 60)) "${cmd[@]}" \
      >"$OUT/signin_$tag.json" 2>"$OUT/loadgen_$tag.stderr"
    rc=$?
    [ "$rc" -eq 0 ] || { echo "bench: loadgen exit $rc for $agents agents" >&2; failed=1; }
    summarise "$OUT/signin_$tag.json" || failed=1
    alive "$GW_PID" || { echo "bench: the gateway died during the $agents-agent run" >&2; failed=1; break; }
  done
  stop "$TOP_PID"
  stop "$GW_PID"
  echo "gateway log lines (warning and above): $(grep -c . "$OUT/gateway_$agents.stdout")"
done

echo "bench: results in $OUT"
exit "$failed"
