#!/usr/bin/env bash
# End-to-end: the real debug app under Xvfb, driven through tauri-driver + WebKitWebDriver, with
# a real gnome-keyring and a temp data dir. Usage: tests/e2e/run.sh [--screenshots DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -z "${RAMPART_IN_TEST_KEYRING:-}" ]; then
  exec "$root/tests/support/with-keyring.sh" "$0" "$@"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"
export RAMPART_APP="${RAMPART_APP:-$CARGO_TARGET_DIR/debug/rampart-desktop}"
export RAMPART_CLI="${RAMPART_CLI:-$CARGO_TARGET_DIR/debug/rampart}"
[ -x "$RAMPART_APP" ] || { echo "e2e: build the app first (make desktop): $RAMPART_APP missing"; exit 1; }
if [ "${1:-}" = "--screenshots" ]; then export RAMPART_SCREENSHOTS="$2"; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rampart-e2e.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export RAMPART_DATA_DIR="$work/data"

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY="$display"
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done

port=$((4500 + RANDOM % 400))
tauri-driver --port "$port" --native-port $((port + 1)) >"$work/driver.log" 2>&1 &
pids+=($!)
export WEBDRIVER_URL="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$WEBDRIVER_URL/status" >/dev/null 2>&1 && break; sleep 0.1; done

status=0
node --test --test-reporter=spec "$here"/*.test.mjs || status=$?
if [ "$status" != 0 ]; then
  echo "--- tauri-driver log"; tail -n 40 "$work/driver.log"
fi
exit "$status"
