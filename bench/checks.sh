#!/usr/bin/env bash
# The security checklist (issue 8), figures from one run on this machine:
# - every item of the catalog against a good target on loopback (HTTPS with an rcgen CA,
#   helmet's headers, rate-limit headers, 4xx for bad input, 429 on the login burst, a
#   redis-server with requirepass): wall time per full run, goal < 3 s;
# - the repository secret scan of this repository, working tree and git history, beside
#   `git log -p --all | grep -P` of the same rules on the added lines (no entropy gate, no
#   allowlists, so it over-counts). gitleaks is not packaged in Debian: it runs too only when
#   installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repo="${BENCH_REPO:-$root}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}"
cargo build --release -q -p rampart-checks --example bench_checks
bin="$CARGO_TARGET_DIR/release/examples/bench_checks"

work=$(mktemp -d "${TMPDIR:-/tmp}/rampart-bench-checks.XXXXXX")
redis_pid=
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

dbs=()
if command -v redis-server >/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --requirepass "bench-$RANDOM$RANDOM" --save '' \
    --appendonly no --dir "$work" >/dev/null &
  redis_pid=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  dbs=("redis://127.0.0.1:$port")
else
  echo "(redis-server not installed: the database probe runs against nothing)"
fi

echo "== full run of every item against the good loopback target (goal < 3 s)"
for _ in 1 2 3; do "$bin" live "${dbs[@]}"; done

echo
echo "== secret scan of $repo"
"$bin" secrets "$repo"
pattern=$("$bin" rules | cut -f2 | sed 's/^/(?:/; s/$/)/' | paste -sd'|')
start=$(date +%s%N)
lines=$(git -C "$repo" log -p --all --no-color --no-ext-diff -U0 | grep -aP '^\+(?!\+\+ )' | grep -acP "$pattern" || true)
echo "git log -p --all | grep -P (same rules, added lines): $lines matching lines in $(ms "$start") ms"
if command -v gitleaks >/dev/null; then
  start=$(date +%s%N)
  gitleaks git "$repo" --no-banner --report-format json --report-path "$work/gitleaks.json" >/dev/null 2>&1 || true
  echo "gitleaks git: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/gitleaks.json") findings in $(ms "$start") ms"
else
  echo "gitleaks: not installed (not packaged in Debian); compared with git log -p | grep -P only"
fi
