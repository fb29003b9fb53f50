#!/usr/bin/env bash
# Installs every build, run and test dependency of wrtc from Debian 12 packages (idempotent).
#   deploy/scripts/install-deps.sh          build + run + test peers
#   deploy/scripts/install-deps.sh --run    build + run only (no browser, no benchmark peers)
set -euo pipefail

mode="${1:-all}"

build_pkgs=(
  build-essential cmake ninja-build pkg-config ccache git
  libcaf-dev libnice-dev libsrtp2-dev libsofia-sip-ua-dev libsofia-sip-ua-glib-dev
  libopus-dev libcurl4-openssl-dev nlohmann-json3-dev prometheus-cpp-dev libssl-dev
  libboost-dev libspdlog-dev libglib2.0-dev libbenchmark-dev
  clang-format clang-tidy
)
run_pkgs=(python3 kamailio sip-tester curl iproute2 procps)
test_pkgs=(clang libclang-rt-14-dev chromium chromium-driver python3-selenium coturn)

wanted=("${build_pkgs[@]}" "${run_pkgs[@]}")
if [ "$mode" != "--run" ]; then wanted+=("${test_pkgs[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi

# Daemons we install (kamailio, coturn) must not be started by apt: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
