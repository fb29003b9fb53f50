#!/usr/bin/env bash
# Installs what the tests need (Debian 12, as root), builds once, and runs every test but the
# benchmarks: unit, integration, e2e, fuzz (ctest labels).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/deploy/scripts/install-deps.sh"
"$root/deploy/scripts/build.sh"
build="${WRTC_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure -LE bench -j "$(nproc)" --timeout 900 "$@"
