#!/usr/bin/env bash
# `make bench BENCH=desktop` (and `make bench`): figures, not pass/fail. Each Rampart figure is printed beside the same figure
# for its peer, measured in the same run on this machine:
#   - one tick of the code list for 1,000 accounts, beside totp-rs computing the same codes;
#   - release build under Xvfb with 200 accounts: ms to the window being mapped and to the first
#     code list served (medians of RAMPART_BENCH_STARTS start-ups, 5 unless set), PSS of the
#     app + its WebKit processes, CPU seconds over 60 s idle,
#     beside a bare Tauri 2 window built the same way (bench/bare-tauri), with WebKit's default
#     compositing and, like Rampart, without GPU compositing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "${RAMPART_IN_TEST_KEYRING:-}" ]; then
  exec tests/support/with-keyring.sh "$0" "$@"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"
idle="${RAMPART_BENCH_IDLE:-60}"
accounts="${RAMPART_BENCH_ACCOUNTS:-200}"
# Start-up figures are the median of this many start-ups (one start-up varies by ~2x here).
starts="${RAMPART_BENCH_STARTS:-5}"

echo "== building release binaries (first time: ~15 min on 2 cores)"
(cd ui && npm run build >/dev/null)
cargo build --release -q -p rampart-desktop -p rampart-cli
cargo build --release -q --manifest-path bench/bare-tauri/Cargo.toml
cargo build --release -q -p rampart-core --example tick_bench

echo
echo "== code-list tick"
"$CARGO_TARGET_DIR/release/examples/tick_bench" 1000

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
export RAMPART_DATA_DIR="$work/data"
python3 - "$accounts" >"$work/accounts.txt" <<'PY'
import base64, os, sys
for i in range(int(sys.argv[1])):
    secret = base64.b32encode(os.urandom(20)).decode().rstrip("=")
    print(f"otpauth://totp/Service%20{i}:user{i}@example.com?secret={secret}&issuer=Service%20{i}")
PY
"$CARGO_TARGET_DIR/release/rampart" otp import "$work/accounts.txt" >/dev/null 2>&1
echo
echo "== desktop, release build, $accounts accounts, Xvfb (start-up: median of $starts; idle window ${idle}s)"
Xvfb :77 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=:77
sleep 1
# Codes page: the app opens on it (the start-page setting) and logs when it served the list.
"$CARGO_TARGET_DIR/release/rampart" settings --start-page codes >/dev/null
rampart=$(python3 bench/measure.py rampart "$CARGO_TARGET_DIR/release/rampart-desktop" --title Rampart \
  --ready-log "$RAMPART_DATA_DIR/logs" --ready-text "first code list served" --idle "$idle" --starts "$starts")
# Overview: the feeds monitor polls a local /health every 30 s while the page is open.
python3 bench/targets.py 1 "$work/urls.txt" "$work/control.txt" >"$work/targets.out" &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$work/targets.out" 2>/dev/null && break; sleep 0.1; done
health_url=$(head -1 "$work/urls.txt")
"$CARGO_TARGET_DIR/release/rampart" service add api --url "$health_url" >/dev/null
"$CARGO_TARGET_DIR/release/rampart" settings --start-page overview >/dev/null
overview=$(python3 bench/measure.py rampart-overview "$CARGO_TARGET_DIR/release/rampart-desktop" --title Rampart \
  --idle "$idle" --starts "$starts")
bare=$(python3 bench/measure.py bare-tauri "$CARGO_TARGET_DIR/release/bare-tauri" --title bare-tauri --idle "$idle" --starts "$starts")
# Rampart paints without GPU compositing (src-tauri/src/rendering.rs); the bare window with
# the same policy shows what that choice alone is worth.
bare_flat=$(WEBKIT_DISABLE_COMPOSITING_MODE=1 python3 bench/measure.py bare-tauri-flat \
  "$CARGO_TARGET_DIR/release/bare-tauri" --title bare-tauri --idle "$idle" --starts "$starts")
python3 - "$rampart" "$overview" "$bare" "$bare_flat" <<'PY'
import json, sys
r, o, b, f = (json.loads(x) for x in sys.argv[1:])
rows = [("window mapped (ms)", "window_mapped_ms"), ("first code list served (ms)", "first_code_list_ms"),
        ("PSS, app + WebKit (MB)", "pss_mb_total"), ("PSS after idle window (MB)", "pss_mb_after_idle"),
        ("CPU over idle window (s)", "idle_cpu_seconds")]
fmt = lambda v: "-" if v is None else str(v)
print(f"{'':32} {'codes page':>12} {'overview':>12} {'bare tauri':>12} {'codes/bare':>11} {'bare, no GPU comp.':>19}")
for label, key in rows:
    ratio = ""
    if isinstance(r.get(key), (int, float)) and isinstance(b.get(key), (int, float)) and b[key]:
        ratio = f"{r[key] / b[key]:.2f}x"
    if key == "first_code_list_ms" and r.get(key) and b.get("window_mapped_ms"):
        ratio = f"{r[key] / b['window_mapped_ms']:.2f}x mapped"
    print(f"{label:32} {fmt(r.get(key)):>12} {fmt(o.get(key)):>12} {fmt(b.get(key)):>12} {ratio:>11} {fmt(f.get(key)):>19}")
print("each start-up, window mapped (ms): codes", r["window_mapped_ms_each"], "| overview", o["window_mapped_ms_each"],
      "| bare", b["window_mapped_ms_each"], "| bare, no GPU compositing", f["window_mapped_ms_each"])
print("each start-up, first code list served (ms):", r["first_code_list_ms_each"])
print("PSS by process: codes", r["pss_mb_by_process"], "| overview", o["pss_mb_by_process"],
      "| bare", b["pss_mb_by_process"], "| bare, no GPU compositing", f["pss_mb_by_process"])
print("idle CPU by process: codes", r["idle_cpu_by_process"], "| overview", o["idle_cpu_by_process"],
      "| bare", b["idle_cpu_by_process"], "| bare, no GPU compositing", f["idle_cpu_by_process"])
PY
