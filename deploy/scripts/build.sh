#!/usr/bin/env bash
# Configures and builds wrtc into build/ (ccache when installed). Usage: deploy/scripts/build.sh [extra cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="${WRTC_BUILD_DIR:-$root/build}"
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
cmake --build "$build" -j "$(nproc)"
