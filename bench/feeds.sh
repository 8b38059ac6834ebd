#!/usr/bin/env bash
# `make bench BENCH=feeds`: Rampart's health poller beside Prometheus's blackbox_exporter on 1,000
# loopback targets every 10 s for 2 minutes (see bench/feeds.py). Figures, not pass/fail.
# BENCH_SECONDS=30 shortens it for a dry run; BENCH_TARGETS changes the number of targets.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"

need() {
  command -v "$1" >/dev/null || { echo "bench feeds: '$1' is missing ($2)" >&2; exit 1; }
}
need python3 "apt-get install python3"
need prometheus "apt-get install prometheus (make deps)"
need prometheus-blackbox-exporter "apt-get install prometheus-blackbox-exporter (make deps)"
[ -x /usr/bin/time ] || { echo "bench feeds: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
export PROMETHEUS_BIN BLACKBOX_BIN
PROMETHEUS_BIN=$(command -v prometheus)
BLACKBOX_BIN=$(command -v prometheus-blackbox-exporter)

echo "== building Rampart's poller driver (release)"
cargo build --release -q -p rampart-feeds --example bench_poller
export BENCH_POLLER_BIN="$CARGO_TARGET_DIR/release/examples/bench_poller"

busy=$(pgrep -c rustc || true)
[ "$busy" = 0 ] || echo "note: $busy rustc processes are running: other builds will perturb the figures"
python3 bench/feeds.py
busy=$(pgrep -c rustc || true)
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); rustc processes running: $busy"
