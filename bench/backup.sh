#!/usr/bin/env bash
# `make bench BENCH=backup`: Rampart's backup engine beside restic, the guide's tar.gz + aws s3 cp,
# tar | zstd | age | aws s3 cp - and the compression floor, against one local Garage S3 node; then
# restores, then Rampart on the doubled data set. Figures, not pass/fail (see bench/backup.py).
# BENCH_SCALE=0.05 makes a quick dry run on a small data set.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"
export PATH="$HOME/.cargo/bin:$PATH"

need() {
  command -v "$1" >/dev/null || { echo "bench backup: '$1' is missing ($2)" >&2; exit 1; }
}
need python3 "apt-get install python3"
need tar "apt-get install tar"
need zstd "apt-get install zstd (make deps)"
need age "apt-get install age (make deps)"
need age-keygen "apt-get install age (make deps)"
need restic "apt-get install restic (make deps)"
[ -x /usr/bin/time ] || { echo "bench backup: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
need garage "make garage"
# Debian's aws CLI (a pyenv shim may shadow it on PATH, as in the tests).
if [ -x /usr/bin/aws ]; then AWS_BIN=/usr/bin/aws; else need aws "apt-get install awscli (make deps)"; AWS_BIN=$(command -v aws); fi
export AWS_BIN
export GARAGE_BIN
GARAGE_BIN=$(command -v garage)

echo "== building the Rampart backup driver (release)"
cargo build --release -q -p rampart-backup --example bench_backup
export BENCH_BACKUP_BIN="$CARGO_TARGET_DIR/release/examples/bench_backup"

busy=$(pgrep -c rustc || true)
[ "$busy" = 0 ] || echo "note: $busy rustc processes are running: other builds will perturb the figures"
python3 bench/backup.py
busy=$(pgrep -c rustc || true)
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); rustc processes running: $busy"
